using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// Decides whether a finished sandboxed run looks denied by the sandbox, which is what makes the pipeline offer a
/// retry without it (SPEC.md "Policy" step 5).
/// </summary>
/// <remarks>
/// <para>
/// The rule: the command exited with a non-zero code, and its kept stderr or stdout contains an EPERM, EACCES or EROFS
/// signature — the C library's messages (<c>Operation not permitted</c>, <c>Permission denied</c>,
/// <c>Read-only file system</c>, compared ignoring case, which also covers Node's and Python's spellings) or the errno
/// names themselves as words — or a line of stderr starts with <c>bwrap: </c>, bubblewrap's own failure.
/// </para>
/// <para>
/// It is a heuristic by design: a denial can only be recognised by what the command printed, and the command chooses
/// what it prints. Both ways of being wrong are safe. A false positive only asks the human a question they can
/// decline; a false negative returns the failure to the agent as it is. Missing a real denial never runs anything
/// outside the sandbox. A network failure is deliberately not a signature: "connection refused" and failed name
/// look-ups happen just as often without any sandbox.
/// </para>
/// </remarks>
internal static class SandboxDenialRule
{
    private static readonly string[] MessageSignatures = ["operation not permitted", "permission denied", "read-only file system"];

    private static readonly string[] ErrnoNames = ["EPERM", "EACCES", "EROFS"];

    // The backends' own failure messages, at the start of a stderr line: bwrap's, and the Landlock launcher's.
    private static readonly string[] BackendFailurePrefixes = ["bwrap: ", LandlockLauncher.MessagePrefix];

    /// <summary>True when <paramref name="result"/> ended with a non-zero exit code and carries a denial signature.</summary>
    public static bool LooksDenied(ExecutionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Outcome != ExecutionOutcome.Exited || result.ExitCode is null or 0)
        {
            return false;
        }

        var stderr = result.Stderr.Text;
        return HasBackendFailure(stderr) || HasErrnoSignature(stderr) || HasErrnoSignature(result.Stdout.Text);
    }

    private static bool HasBackendFailure(string stderr) =>
        BackendFailurePrefixes.Any(prefix =>
            stderr.StartsWith(prefix, StringComparison.Ordinal) || stderr.Contains("\n" + prefix, StringComparison.Ordinal));

    private static bool HasErrnoSignature(string text)
    {
        foreach (var signature in MessageSignatures)
        {
            if (text.Contains(signature, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var name in ErrnoNames)
        {
            if (ContainsWord(text, name))
            {
                return true;
            }
        }

        return false;
    }

    // "EPERM" in "EPERM: operation…" or "[EROFS]", but not in "SLEEPERMODE": the name must stand alone.
    private static bool ContainsWord(string text, string word)
    {
        for (var index = text.IndexOf(word, StringComparison.Ordinal); index >= 0; index = text.IndexOf(word, index + 1, StringComparison.Ordinal))
        {
            var end = index + word.Length;
            if ((index == 0 || !char.IsLetterOrDigit(text[index - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                return true;
            }
        }

        return false;
    }
}
