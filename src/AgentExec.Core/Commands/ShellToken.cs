namespace AgentExec.Core.Commands;

/// <summary>One token of shell text, with its place in the source.</summary>
/// <param name="Kind">What sort of token it is.</param>
/// <param name="Text">The operator, or the source text of a word or redirection.</param>
/// <param name="Start">Index of its first character in the source.</param>
/// <param name="End">Index just past its last character.</param>
internal sealed record ShellToken(ShellTokenKind Kind, string Text, int Start, int End)
{
    /// <summary>The word, for <see cref="ShellTokenKind.Word"/>.</summary>
    public ShellWord? Word { get; init; }

    /// <summary>The redirection, for <see cref="ShellTokenKind.Redirection"/>.</summary>
    public Redirection? Redirection { get; init; }

    /// <summary>True when this is the operator <paramref name="op"/>.</summary>
    public bool IsOperator(string op) => Kind == ShellTokenKind.Operator && Text == op;

    /// <summary>True when this is the unquoted word <paramref name="text"/>.</summary>
    public bool IsUnquotedWord(string text) => Kind == ShellTokenKind.Word && Word!.IsUnquoted(text);
}
