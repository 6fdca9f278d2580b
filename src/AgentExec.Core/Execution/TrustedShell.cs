namespace AgentExec.Core.Execution;

/// <summary>The one bash every command line runs under: a fixed system path, never looked up on <c>PATH</c>.</summary>
/// <remarks>
/// SPEC.md says AgentExec runs the command with "an absolute, trusted <c>bash</c>". Looked up by name, <c>bash</c> was
/// found through the command's <c>PATH</c>, which may hold an empty entry (the working directory) or a folder of the
/// workspace: a program named <c>bash</c> planted there ran instead, with no question, for every command, even a
/// known-safe <c>echo</c>, and outside the sandbox after an approved retry. The places below are system folders that no
/// sandboxed command can write (unless the user made one a writable root). The one found is named by its real path:
/// NixOS's profile lies under <c>/run</c>, which bubblewrap replaces with an empty folder, while the store it links
/// into stays visible. When none holds a bash, the first is named anyway, so every command fails to start, naming that
/// file, rather than running another.
/// </remarks>
public static class TrustedShell
{
    /// <summary>Where bash is looked for, in order: the usual place, the traditional one, and NixOS's system profile.</summary>
    public static IReadOnlyList<string> Candidates { get; } = ["/usr/bin/bash", "/bin/bash", "/run/current-system/sw/bin/bash"];

    /// <summary>The absolute real path of the bash commands run under (looked up once per process).</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        foreach (var candidate in Candidates)
        {
            if (File.Exists(candidate))
            {
                return Configuration.RealPath.TryResolve(candidate, out var real, out var exists) && exists ? real : candidate;
            }
        }

        return Candidates[0];
    }
}
