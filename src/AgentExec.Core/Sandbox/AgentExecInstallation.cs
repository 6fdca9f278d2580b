using AgentExec.Core.Configuration;
using AgentExec.Core.Text;

namespace AgentExec.Core.Sandbox;

/// <summary>Whether the agentexec binary lies where sandboxed commands may write (SECURITY.md trusts where it is installed).</summary>
/// <remarks>
/// <para>
/// The binary runs outside every sandbox: the server itself, and under Landlock the launcher, started again for every
/// command and unconfined until it has confined the command. Inside the workspace or a writable root (a build in the
/// project's bin/, an install under ~/.local with ~/.local writable) a command could replace the executable,
/// agentexec.dll or an assembly beside it. Found by attacks: under Landlock a command replaced the apphost with a script,
/// and the next call's launcher read ~/.netrc and wrote outside the roots with no question, then ran the real launcher
/// so that the call looked confined; under bubblewrap a command overwrote OpenAI.dll, which the server loads only at its
/// first risk assessment, and the server process loaded it (and crashed on the garbage written there; a crafted
/// assembly would run in the server, with the user's environment and keys). So bubblewrap keeps such a binary and its
/// folders read-only (<see cref="Places"/>; refusing it refused every home-directory workspace holding
/// ~/.dotnet/tools), and Landlock, which cannot keep a path read-only inside a writable one, refuses it at start
/// (<see cref="WritableBy"/>).
/// </para>
/// <para>
/// The folder of each file counts as well as the file (as spelt and as resolved): the runtime loads the program's other
/// assemblies, its deps.json and runtimeconfig.json (and, for <c>dotnet</c>, the shared framework) from there. A root
/// below that folder (a satellite folder such as bin/de) is not looked for: a single-file binary in the home directory
/// would then make every workspace in the home refuse (Landlock) or be read-only there (bubblewrap).
/// </para>
/// </remarks>
internal static class AgentExecInstallation
{
    /// <summary>
    /// The files that start agentexec (<paramref name="command"/>'s absolute words) and the folders the runtime loads the
    /// rest of the program from, as spelt and resolved: what must not change under a command. bubblewrap keeps those
    /// inside a writable directory read-only (<see cref="SandboxHostPaths.AgentExecPlaces"/>); Landlock cannot, so it
    /// refuses them (<see cref="WritableBy"/>).
    /// </summary>
    public static IReadOnlyList<string> Places(IEnumerable<string> command)
    {
        var places = new List<string>();
        foreach (var file in command.Where(Path.IsPathFullyQualified))
        {
            places.Add(file);
            if (Path.GetDirectoryName(file) is { Length: > 0 } folder)
            {
                places.Add(folder);
                if (RealPath.TryResolve(file, out var realFile, out _) && Path.GetDirectoryName(realFile) is { Length: > 0 } realFolder)
                {
                    places.Add(realFolder);
                }
            }
        }

        return [.. places.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Why <paramref name="command"/> (what starts agentexec) lies where commands may write, or null when it does not.</summary>
    /// <param name="command">The program and, for <c>dotnet</c>, the agentexec.dll it runs.</param>
    /// <param name="settings">The workspace and the writable roots.</param>
    public static string? WritableBy(IReadOnlyList<string> command, AgentExecSettings settings)
    {
        var files = command.Where(Path.IsPathFullyQualified).ToList();
        if (files.Count == 0)
        {
            return "the agentexec binary is not named by an absolute path, so where it lies cannot be checked";
        }

        foreach (var place in Places(files))
        {
            if (CommandWritablePlaces.RootHolding(settings, place) is { } root)
            {
                var file = files.FirstOrDefault(candidate => place == candidate || place == Path.GetDirectoryName(candidate)) ?? place;
                return $"the agentexec binary {UntrustedText.Escape(file)} runs outside the sandbox, but it lies where commands may write "
                    + $"({UntrustedText.Escape(root)}): a command could replace it, or a library beside it, and run its own program unconfined. "
                    + "Install agentexec outside the workspace and the writable roots";
            }
        }

        return null;
    }
}
