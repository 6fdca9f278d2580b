using System.Text.RegularExpressions;

namespace AgentExec.Core.Commands;

/// <summary>One shell word as the parser understood it: its source, its value when that is fixed, and what it expands.</summary>
/// <param name="Source">The word as written.</param>
/// <param name="Value">The value after quote removal when the word is static; otherwise the source text.</param>
/// <param name="Traits">What the word contains besides literal text.</param>
/// <param name="StaticPrefix">The literal characters before the first dynamic part (all of them for a static word).</param>
/// <param name="Substitutions">The scripts of its <c>$(…)</c>, backticks, <c>&lt;(…)</c> and <c>&gt;(…)</c>, in order.</param>
internal sealed partial record ShellWord(
    string Source,
    string Value,
    WordTraits Traits,
    string StaticPrefix,
    IReadOnlyList<ParsedScript> Substitutions)
{
    /// <summary>
    /// The word as a bash pathname pattern (quoted <c>*</c>, <c>?</c>, <c>[</c>, <c>]</c>, <c>\</c> escaped with a
    /// backslash, an unquoted <c>~</c> kept) when nothing but globs and tildes make it dynamic; otherwise null.
    /// </summary>
    public string? Pattern { get; init; }

    /// <summary>
    /// The word as a bash pathname pattern with its brace expressions still in it (<see cref="BraceExpansion"/> makes
    /// the words), when nothing but braces, globs and tildes make it dynamic; otherwise null.
    /// </summary>
    public string? BracePattern { get; init; }

    /// <summary>True when the value is known before the line runs.</summary>
    public bool IsStatic => (Traits & WordTraits.Dynamic) == 0;

    /// <summary>True when some of the word was quoted or escaped.</summary>
    public bool IsQuoted => (Traits & WordTraits.Quoted) != 0;

    /// <summary>
    /// True when the word is dynamic and could expand to a flag: nothing literal comes before its first
    /// expansion (<c>$x</c>, <c>"$x"</c>, <c>*</c>, <c>$x-rf</c> with <c>x</c> empty), or its literal start is a dash.
    /// </summary>
    public bool MayBeFlag => !IsStatic && (StaticPrefix.Length == 0 || StaticPrefix[0] == '-');

    /// <summary>True for <c>NAME=value</c>, <c>NAME+=value</c> and <c>NAME[sub]=value</c> written without quotes before the <c>=</c>.</summary>
    public bool IsAssignment => AssignmentPrefix().IsMatch(Source);

    /// <summary>True when the word is exactly <paramref name="text"/>, unquoted (how reserved words and <c>{</c>/<c>}</c> are recognised).</summary>
    public bool IsUnquoted(string text) => IsStatic && !IsQuoted && Value == text;

    /// <summary>A static word that was not in the source (the <c>echo</c> that a bare <c>xargs</c> runs).</summary>
    public static ShellWord Literal(string text) => new(text, text, WordTraits.None, text, []);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")]
    private static partial Regex AssignmentPrefix();
}
