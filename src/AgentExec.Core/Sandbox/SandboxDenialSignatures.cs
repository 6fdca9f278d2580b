using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>Recognises a run that a sandbox refused, from its exit code and what it wrote to stderr.</summary>
/// <remarks>
/// A heuristic, used to offer a retry without the sandbox, never to allow anything. Only a failed run (non-zero exit)
/// counts, and only stderr is read: output a command printed on purpose is stdout. The phrases are <c>strerror</c>'s for
/// EPERM, EACCES and EROFS as C programs, Python and Node print them, in any case, plus the launcher's own failure line.
/// </remarks>
internal static class SandboxDenialSignatures
{
    private static readonly string[] Phrases =
    [
        "Operation not permitted",
        "Permission denied",
        "Read-only file system",
        "EACCES",
        "EPERM",
        "EROFS",
        LandlockLauncher.MessagePrefix.TrimEnd(),
    ];

    /// <summary>True when <paramref name="result"/> failed with a denial signature in its stderr.</summary>
    public static bool Matches(ExecutionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.ExitCode is null or 0)
        {
            return false;
        }

        var stderr = result.Stderr.Text;
        return Phrases.Any(phrase => stderr.Contains(phrase, StringComparison.OrdinalIgnoreCase));
    }
}
