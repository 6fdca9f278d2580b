namespace AgentExec.Core.Commands;

/// <summary>
/// What the parser understood of a whole <c>bash -c</c> command line: every simple command it will run
/// (nested scripts and substitutions included), and whether anything was beyond understanding.
/// </summary>
/// <param name="CommandLine">The line as given.</param>
/// <param name="Parts">Every simple command found, in source order, nested ones after the command that contains them.</param>
/// <param name="Constructs">The shell constructs seen (<c>&amp;&amp;</c>, <c>|</c>, <c>$(…)</c>, <c>heredoc</c>…), for explanations.</param>
/// <param name="UnknownReason">Set when the parser could not fully account for the line; such a line is never known-safe.</param>
public sealed record CommandAnalysis(
    string CommandLine,
    IReadOnlyList<CommandPart> Parts,
    IReadOnlyList<string> Constructs,
    string? UnknownReason)
{
    /// <summary>True when some part of the line could not be understood.</summary>
    public bool IsUnknown => UnknownReason is not null;
}
