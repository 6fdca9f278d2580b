using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using AgentExec.Core.Execution;

namespace AgentExec.Cli.Hosting;

/// <summary>
/// Keeps the .NET runtime's diagnostic endpoints — the IPC socket <c>dotnet-diagnostic-PID-…-socket</c> and the
/// debugger pipes <c>clr-debug-pipe-PID-…</c> in <c>$TMPDIR</c> — out of a JIT-hosted <c>agentexec</c>: it restarts the
/// process once with <c>DOTNET_EnableDiagnostics=0</c> before anything else runs.
/// </summary>
/// <remarks>
/// <para>
/// Why: any process of the same user that can reach those endpoints can read this process's environment (API keys,
/// tokens) and memory, and make it load a native library, which then runs unsandboxed. Under Landlock (which cannot
/// restrict connecting to a path-named socket before ABI 9) a sandboxed command could do exactly that.
/// </para>
/// <para>
/// Why a restart: CoreCLR reads the switch only from the environment (<c>clrconfig.cpp</c> looks nowhere else, and the
/// runtime configuration documentation lists no <c>runtimeconfig.json</c> setting for it), and it opens the endpoints
/// while the runtime starts, before <c>Main</c>. So a JIT-hosted process that was started without the switch replaces
/// itself (<c>execve</c>, same pid, same arguments, same standard streams) with one that has it, after removing the
/// endpoints it already made and marking every inherited descriptor close-on-exec. The cost is one more runtime
/// start-up (about 0.2 s measured on a loaded 2-core machine) per JIT-hosted invocation; the Native AOT build, which ships, opens no endpoint and
/// is never restarted, and every child AgentExec starts gets the switch from <see cref="ChildEnvironment"/>.
/// </para>
/// <para>
/// A switch that is set already to a number is left alone: it is the choice of whoever started AgentExec (someone
/// debugging it sets <c>DOTNET_EnableDiagnostics=1</c>), not of a sandboxed command, which cannot set the server's
/// environment. An empty or unparsable value, which the runtime reads as "on", is replaced.
/// </para>
/// </remarks>
internal static unsafe partial class RuntimeDiagnostics
{
    private const string LegacySwitchName = "COMPlus_EnableDiagnostics";

    /// <summary>
    /// Restarts this process without diagnostics when it needs to; returns only when it does not (null) or could not (the
    /// reason, after which the caller must stop).
    /// </summary>
    public static string? RestartWithoutDiagnosticsIfNeeded()
    {
        if (!OperatingSystem.IsLinux() || !IsHostedByCoreClr() || IsSwitchSet())
        {
            return null;
        }

        RemoveOwnEndpoints();
        if (InheritedDescriptors.MarkCloseOnExec() is { } descriptorProblem)
        {
            return descriptorProblem;
        }

        byte[] arguments;
        byte[] environment;
        try
        {
            arguments = File.ReadAllBytes("/proc/self/cmdline");
            environment = File.ReadAllBytes("/proc/self/environ");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"cannot read this process's command line and environment from /proc ({exception.Message})";
        }

        Execve("/proc/self/exe", arguments, WithDiagnosticsOff(environment));
        return $"cannot restart agentexec without .NET diagnostics: execve failed ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())})";
    }

    /// <summary>
    /// True when the process runs on CoreCLR under the .NET host (apphost, <c>dotnet agentexec.dll</c>, <c>dotnet run</c>):
    /// the host always passes the trusted platform assemblies; a Native AOT binary has no host and no such property.
    /// </summary>
    private static bool IsHostedByCoreClr() => AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string { Length: > 0 };

    /// <summary>
    /// True when the runtime read the switch as a number somebody chose: it takes the first of the two names that is
    /// non-empty and parses it as hexadecimal; an empty or unparsable value means the default, diagnostics on.
    /// </summary>
    private static bool IsSwitchSet()
    {
        var value = Environment.GetEnvironmentVariable(ChildEnvironment.DiagnosticsSwitchName) is { Length: > 0 } current
            ? current
            : Environment.GetEnvironmentVariable(LegacySwitchName);
        return value is { Length: > 0 } && uint.TryParse(value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>
    /// The environment block without any entry of either switch name, then <c>DOTNET_EnableDiagnostics=0</c>: an
    /// earlier empty or unparsable entry would otherwise win the lookup in the restarted process.
    /// </summary>
    private static byte[] WithDiagnosticsOff(byte[] environment)
    {
        var kept = new List<byte>(environment.Length + 32);
        var start = 0;
        for (var index = 0; index < environment.Length; index++)
        {
            if (environment[index] != 0)
            {
                continue;
            }

            var entry = environment.AsSpan(start, index - start + 1);
            if (!entry.StartsWith(Encoding.ASCII.GetBytes(ChildEnvironment.DiagnosticsSwitchName + "="))
                && !entry.StartsWith(Encoding.ASCII.GetBytes(LegacySwitchName + "=")))
            {
                kept.AddRange(entry);
            }

            start = index + 1;
        }

        kept.AddRange(Encoding.ASCII.GetBytes($"{ChildEnvironment.DiagnosticsSwitchName}={ChildEnvironment.DiagnosticsOff}\0"));
        return [.. kept];
    }

    /// <summary>
    /// Removes the endpoints this process's runtime created, which <c>execve</c> would otherwise leave behind as stale
    /// files (the runtime removes them only at a normal exit).
    /// </summary>
    private static void RemoveOwnEndpoints()
    {
        var pid = Environment.ProcessId;
        var directory = Path.GetTempPath();
        foreach (var pattern in (ReadOnlySpan<string>)[$"dotnet-diagnostic-{pid}-*-socket", $"clr-debug-pipe-{pid}-*-in", $"clr-debug-pipe-{pid}-*-out"])
        {
            try
            {
                foreach (var endpoint in Directory.EnumerateFiles(directory, pattern))
                {
                    File.Delete(endpoint);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Left behind it is only a stale name: once this process image is gone nothing listens on it.
            }
        }
    }

    /// <summary>Calls <c>execve</c> with NUL-separated argument and environment blocks as <c>/proc</c> gives them.</summary>
    private static void Execve(string path, byte[] arguments, byte[] environment)
    {
        fixed (byte* argumentBytes = arguments)
        fixed (byte* environmentBytes = environment)
        {
            var argv = Split(argumentBytes, arguments.Length);
            var envp = Split(environmentBytes, environment.Length);
            fixed (byte** argvPointer = argv)
            fixed (byte** envpPointer = envp)
            {
                NativeExecve(path, argvPointer, envpPointer);
            }
        }
    }

    /// <summary>Pointers to each NUL-terminated string in the block, then a null pointer.</summary>
    private static byte*[] Split(byte* block, int length)
    {
        var starts = new List<nint>();
        var start = 0;
        for (var index = 0; index < length; index++)
        {
            if (block[index] == 0)
            {
                starts.Add((nint)(block + start));
                start = index + 1;
            }
        }

        var pointers = new byte*[starts.Count + 1];
        for (var index = 0; index < starts.Count; index++)
        {
            pointers[index] = (byte*)starts[index];
        }

        return pointers;
    }

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeExecve(string path, byte** argv, byte** envp);
}
