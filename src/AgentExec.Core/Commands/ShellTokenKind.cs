namespace AgentExec.Core.Commands;

/// <summary>The kinds of token the lexer hands the parser.</summary>
internal enum ShellTokenKind
{
    /// <summary>A word (reserved words are words too; the parser recognises them by position).</summary>
    Word,

    /// <summary>A control operator: <c>&amp;&amp;</c>, <c>||</c>, <c>;</c>, <c>;;</c>, <c>|</c>, <c>|&amp;</c>, <c>&amp;</c>, <c>(</c>, <c>)</c>.</summary>
    Operator,

    /// <summary>A redirection with its file descriptor and target already read.</summary>
    Redirection,

    /// <summary>A newline, which separates commands (after it, pending here-document bodies were read).</summary>
    Newline,

    /// <summary>The end of the source.</summary>
    End,
}
