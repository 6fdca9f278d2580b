namespace AgentExec.Core.Commands;

/// <summary>How a shell, <c>eval</c> or <c>source</c> gets the code it runs, and the verdict on the carrier itself.</summary>
/// <param name="Verdict">The verdict on the carrying command (its script's commands are judged as parts of their own).</param>
/// <param name="Script">The script text, when it is known before the line runs and should be parsed as nested parts.</param>
/// <param name="UnknownReason">Set when the code that runs cannot be seen.</param>
internal sealed record NestedScriptRun(Verdict Verdict, string? Script, string? UnknownReason)
{
    /// <summary>The grammars the script is read with: bash's for bash, both bash's and dash's for any other shell.</summary>
    public IReadOnlyList<ShellDialect> Readings { get; init; } = [ShellDialect.Bash];

    /// <summary>Why nothing in the script can be known-safe (SPEC.md step 3a, nested scripts), or null for a bash script with allowed options.</summary>
    public string? ProofRefusal { get; init; }

    /// <summary>True for <c>bash -l</c>/<c>--login</c>, which runs the login start-up files (<c>~/.profile</c>…) first.</summary>
    public bool IsLoginShell { get; init; }
}
