using System.Reflection;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// How to start this very <c>agentexec</c> binary again, for the helpers it runs in its own hidden modes: the Landlock
/// launcher (<see cref="LandlockLauncher"/>) and the egress bridge inside bubblewrap (<see cref="EgressBridge"/>).
/// </summary>
internal static class AgentExecSelfCommand
{
    /// <summary>
    /// The command that starts this process's binary — the agentexec executable (Native AOT or apphost, under any file
    /// name), or <c>dotnet agentexec.dll</c> — or null when this process is something else, such as a test host, which
    /// must name the binary explicitly.
    /// </summary>
    public static IReadOnlyList<string>? ForCurrentProcess()
    {
        // The entry assembly, not the file name, says whether this process is agentexec: a renamed or symlinked binary
        // still is, and a test host that merely has agentexec.dll beside it is not.
        if (Environment.ProcessPath is not { } processPath || Assembly.GetEntryAssembly()?.GetName().Name != "agentexec")
        {
            return null;
        }

        if (Path.GetFileNameWithoutExtension(processPath) != "dotnet")
        {
            return [processPath];
        }

        var assemblyPath = Path.Combine(AppContext.BaseDirectory, "agentexec.dll");
        return File.Exists(assemblyPath) ? [processPath, assemblyPath] : null;
    }
}
