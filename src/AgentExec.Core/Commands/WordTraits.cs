namespace AgentExec.Core.Commands;

/// <summary>What a word contains besides literal text; decides whether its value is known before it runs.</summary>
[Flags]
internal enum WordTraits
{
    /// <summary>Literal text only.</summary>
    None = 0,

    /// <summary>Some of the text was quoted or escaped (a quoted word is never a reserved word).</summary>
    Quoted = 1 << 0,

    /// <summary><c>$name</c>, <c>${…}</c>.</summary>
    ParameterExpansion = 1 << 1,

    /// <summary><c>$(…)</c> or backticks.</summary>
    CommandSubstitution = 1 << 2,

    /// <summary><c>&lt;(…)</c>: a command whose output is read as a file.</summary>
    InputProcessSubstitution = 1 << 3,

    /// <summary><c>&gt;(…)</c>: a command the program writes to.</summary>
    OutputProcessSubstitution = 1 << 4,

    /// <summary><c>$((…))</c>.</summary>
    Arithmetic = 1 << 5,

    /// <summary>An unquoted <c>*</c>, <c>?</c> or <c>[…]</c>.</summary>
    Glob = 1 << 6,

    /// <summary>An unquoted <c>{a,b}</c> or <c>{1..3}</c>, which can turn one word into several.</summary>
    BraceExpansion = 1 << 7,

    /// <summary>
    /// An expansion that assigns or evaluates text as code: <c>${x:=…}</c>, <c>${!x}</c>, <c>${x@P}</c>,
    /// subscripts, arithmetic on anything but literal numbers (bash evaluates <c>a[$(cmd)]</c> found there).
    /// </summary>
    EvaluatingExpansion = 1 << 8,

    /// <summary>An unquoted <c>~</c> that bash replaces with a home directory (at the start, or after an unquoted <c>=</c> or <c>:</c>).</summary>
    Tilde = 1 << 9,

    /// <summary>Every trait whose value is only known when the line runs.</summary>
    Dynamic = ParameterExpansion | CommandSubstitution | InputProcessSubstitution | OutputProcessSubstitution
        | Arithmetic | Glob | BraceExpansion | EvaluatingExpansion | Tilde,

    /// <summary>The traits whose expansion only names files: pathname patterns and <c>~</c>, which read-only programs may take.</summary>
    PathExpansion = Glob | Tilde,
}
