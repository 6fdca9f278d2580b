namespace AgentExec.Core.Commands;

/// <summary>What ends the command list the parser is reading.</summary>
internal enum ListTerminator
{
    /// <summary>The end of the source (a whole script).</summary>
    EndOfInput,

    /// <summary>A <c>)</c>: a subshell, <c>$(…)</c>, <c>&lt;(…)</c> or <c>&gt;(…)</c>.</summary>
    CloseParen,

    /// <summary>A <c>}</c> in command position: a brace group.</summary>
    CloseBrace,

    /// <summary><c>;;</c>, <c>;&amp;</c>, <c>;;&amp;</c> or <c>esac</c>: one branch of a <c>case</c>.</summary>
    CaseItem,
}
