using System.Text.RegularExpressions;

namespace AgentExec.Core.Commands;

/// <summary>
/// Tells the harmless forms of <c>${…}</c> from the ones that assign or evaluate code, from the text
/// between the braces.
/// </summary>
/// <remarks>
/// Harmless: <c>${x}</c>, <c>${#x}</c>, defaults and alternatives (<c>${x:-w}</c>, <c>${x:+w}</c>,
/// <c>${x:?w}</c>), pattern removal and replacement, case changes, and substrings with literal numbers.
/// Everything else counts as evaluating: <c>${x:=w}</c> assigns (and a later <c>$((x))</c> would evaluate
/// the assigned text, running any <c>a[$(cmd)]</c> in it), <c>${!x}</c> is indirection, <c>${x@P}</c>
/// expands prompts (command substitutions included), subscripts and computed offsets are arithmetic.
/// </remarks>
internal static partial class ParameterForms
{
    /// <summary>True when <paramref name="body"/> (the text inside <c>${…}</c>) assigns or evaluates.</summary>
    public static bool Evaluates(string body) =>
        !(Plain().IsMatch(body) || WithOperator().IsMatch(body) || LiteralSubstring().IsMatch(body));

    [GeneratedRegex(@"^#?(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!0-])$")]
    private static partial Regex Plain();

    [GeneratedRegex(@"^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(?::?[-+?]|##?|%%?|/[/#%]?|\^\^?|,,?)")]
    private static partial Regex WithOperator();

    [GeneratedRegex(@"^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*]):[ ]*-?[0-9]+(?:[ ]*:[ ]*-?[0-9]+)?$")]
    private static partial Regex LiteralSubstring();
}
