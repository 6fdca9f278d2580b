namespace AgentExec.Core.Commands;

/// <summary>What the parser found in one script: its simple commands, plus words and redirections that stand outside any of them.</summary>
/// <param name="Commands">Every simple command at this level, in source order (subshells and groups flattened).</param>
/// <param name="LooseWords">Words of constructs that are not simple commands (<c>for x in WORDS</c>, <c>case WORD</c>, <c>[[ … ]]</c>), kept for their substitutions.</param>
/// <param name="LooseRedirections">Redirections of groups, subshells and control structures, kept once here for their substitutions (the commands inside also inherit them).</param>
internal sealed record ParsedScript(
    IReadOnlyList<SimpleCommand> Commands,
    IReadOnlyList<ShellWord> LooseWords,
    IReadOnlyList<Redirection> LooseRedirections)
{
    /// <summary>A script with nothing in it.</summary>
    public static ParsedScript Empty { get; } = new([], [], []);
}
