using System.Text;

namespace AgentExec.Core.Credentials;

/// <summary>
/// One component of a bash pathname pattern (no <c>/</c>): <c>*</c>, <c>?</c>, bracket expressions and backslash
/// escapes, matched the way bash's filename expansion matches them with its default options.
/// </summary>
/// <remarks>
/// <para>
/// Bash's defaults are assumed (<c>dotglob</c>, <c>nocaseglob</c>, <c>extglob</c> and <c>globstar</c> off,
/// <c>globasciiranges</c> on, no <c>GLOBIGNORE</c>): the command analyzer refuses <c>shopt</c>, <c>set</c> and
/// assignments, and the child's environment is an allow-list. A pattern holding an unescaped <c>(</c> (an extglob) or
/// a character class such as <c>[[:alpha:]]</c> is not modelled exactly: it is widened to "any name", or "any
/// character", which can only make <see cref="CredentialList.MayMatch(string)"/> say yes more often.
/// </para>
/// <para>
/// A leading <c>.</c> must be matched by a literal <c>.</c> (written, quoted or escaped: <c>.e*</c>, <c>\.e*</c>);
/// <c>*</c>, <c>?</c> and <c>[.]</c> never match it. That rule applies to what bash expands, not to the credential
/// list's own entries, which describe names rather than expand to them.
/// </para>
/// </remarks>
internal sealed class GlobPattern
{
    // Each pattern position is a bit of a ulong in the intersection test.

    // Enough for any honest pair of patterns; a pattern built to blow up the search meets the limit in milliseconds.
    private const int MaxIntersectionStates = 4_096;
    private const int MaxElementsForIntersection = 63;

    private readonly GlobElement[] _elements;

    // The two shapes most credential entries have, matched without walking the elements: "text*" (a literal prefix
    // then one star) and "*text" (one star then a literal suffix); null for any other shape.
    private readonly string? _prefixBeforeStar;
    private readonly string? _suffixAfterStar;

    private GlobPattern(string text, GlobElement[] elements, bool opaque, string? literal)
    {
        Text = text;
        _elements = elements;
        IsOpaque = opaque;
        Literal = literal;
        if (!opaque && literal is null && elements.Length > 0)
        {
            var stars = elements.Count(element => element.Kind == GlobElementKind.AnyString);
            var others = elements.All(element => element.Kind is GlobElementKind.Literal or GlobElementKind.AnyString);
            if (stars == 1 && others && elements[^1].Kind == GlobElementKind.AnyString && elements.Length > 1)
            {
                _prefixBeforeStar = new string(elements[..^1].Select(element => element.Character).ToArray());
            }
            else if (stars == 1 && others && elements[0].Kind == GlobElementKind.AnyString)
            {
                _suffixAfterStar = new string(elements[1..].Select(element => element.Character).ToArray());
            }
        }
    }

    /// <summary>The component as written, escapes included.</summary>
    public string Text { get; }

    /// <summary>True when the pattern has no wildcard: it matches exactly <see cref="Literal"/>.</summary>
    public bool IsLiteral => Literal is not null;

    /// <summary>The one name a wildcard-free pattern matches, escapes removed; null when it has wildcards.</summary>
    public string? Literal { get; }

    /// <summary>True for a pattern that is not modelled (an extglob): it is taken to match any name, dotted ones included.</summary>
    public bool IsOpaque { get; }

    /// <summary>True when the first element is a literal <c>.</c>, so that the pattern may match a dotted name.</summary>
    public bool StartsWithLiteralDot =>
        IsOpaque || (_elements.Length > 0 && _elements[0] is { Kind: GlobElementKind.Literal, Character: '.' });

    /// <summary>
    /// What bash passes on for <paramref name="pattern"/> (a path or a component, quoted wildcards escaped with a
    /// backslash) when it matches nothing: the text itself, escapes removed. That is a name like any other, which may
    /// exist: "[x]" does not match a file called "[x]", so "cat [x]" opens one (a link to ~/.netrc, found by an attack).
    /// </summary>
    public static string Unescaped(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var builder = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                i++;
            }

            builder.Append(pattern[i]);
        }

        return builder.ToString();
    }

    /// <summary>Parses one component: <c>\x</c> is a literal <c>x</c>, an unmatched <c>[</c> is a literal <c>[</c>.</summary>
    public static GlobPattern Parse(string component)
    {
        ArgumentNullException.ThrowIfNull(component);
        var elements = new List<GlobElement>();
        var literal = new StringBuilder();
        var hasWildcard = false;
        var opaque = false;
        for (var i = 0; i < component.Length; i++)
        {
            var character = component[i];
            switch (character)
            {
                case '\\' when i + 1 < component.Length:
                    i++;
                    AddLiteral(component[i]);
                    break;
                case '*':
                    hasWildcard = true;
                    if (elements.Count == 0 || elements[^1].Kind != GlobElementKind.AnyString)
                    {
                        elements.Add(new GlobElement(GlobElementKind.AnyString, '\0', null, false));
                    }

                    break;
                case '?':
                    hasWildcard = true;
                    elements.Add(new GlobElement(GlobElementKind.AnyCharacter, '\0', null, false));
                    break;
                case '(':
                    // With extglob off, bash would not even parse an unquoted `(` in a word; if one arrives here anyway,
                    // it is treated as an extglob that may match anything.
                    hasWildcard = true;
                    opaque = true;
                    break;
                case '[' when TryParseBracket(component, i, out var element, out var end):
                    hasWildcard = true;
                    elements.Add(element);
                    i = end;
                    break;
                default:
                    AddLiteral(character);
                    break;
            }
        }

        if (opaque)
        {
            return new GlobPattern(component, [new GlobElement(GlobElementKind.AnyString, '\0', null, false)], opaque: true, literal: null);
        }

        return new GlobPattern(component, elements.ToArray(), opaque: false, hasWildcard ? null : literal.ToString());

        void AddLiteral(char value)
        {
            elements.Add(new GlobElement(GlobElementKind.Literal, value, null, false));
            literal.Append(value);
        }
    }

    /// <summary>True when <paramref name="name"/> matches; with <paramref name="hidesDotNames"/>, as bash's expansion does (a leading dot needs a literal one).</summary>
    public bool Matches(string name, bool hidesDotNames)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsOpaque)
        {
            return true;
        }

        if (hidesDotNames && name.StartsWith('.') && !StartsWithLiteralDot)
        {
            return false;
        }

        // The walk below gives these answers for these shapes; they are only quicker to get this way.
        if (Literal is not null)
        {
            return string.Equals(name, Literal, StringComparison.Ordinal);
        }

        if (_prefixBeforeStar is not null)
        {
            return name.StartsWith(_prefixBeforeStar, StringComparison.Ordinal);
        }

        if (_suffixAfterStar is not null)
        {
            return name.EndsWith(_suffixAfterStar, StringComparison.Ordinal);
        }

        int position = 0, index = 0, starPosition = -1, starIndex = 0;
        while (index < name.Length)
        {
            if (position < _elements.Length && _elements[position].Kind == GlobElementKind.AnyString)
            {
                starPosition = position++;
                starIndex = index;
            }
            else if (position < _elements.Length && _elements[position].Accepts(name[index]))
            {
                position++;
                index++;
            }
            else if (starPosition >= 0)
            {
                position = starPosition + 1;
                index = ++starIndex;
            }
            else
            {
                return false;
            }
        }

        while (position < _elements.Length && _elements[position].Kind == GlobElementKind.AnyString)
        {
            position++;
        }

        return position == _elements.Length;
    }

    /// <summary>
    /// True when some non-empty name without <c>/</c> matches both this pattern (as bash expands it, when
    /// <paramref name="hidesDotNames"/>) and <paramref name="other"/>, and does not match <paramref name="except"/>.
    /// </summary>
    /// <remarks>
    /// Both patterns are run together as automata over a few representative characters: every character that a
    /// literal or a range boundary of the three patterns mentions, and the one just after it, so each class of
    /// characters the patterns cannot tell apart is tried once. Too long a pattern answers true.
    /// </remarks>
    public bool Intersects(GlobPattern other, bool hidesDotNames, GlobPattern? except = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        GlobElement[] anything = [new GlobElement(GlobElementKind.AnyString, '\0', null, false)];
        var mine = IsOpaque ? anything : _elements;
        var theirs = other.IsOpaque ? anything : other._elements;
        var excluded = except is null ? [] : except.IsOpaque ? anything : except._elements;
        if (mine.Length > MaxElementsForIntersection || theirs.Length > MaxElementsForIntersection || excluded.Length > MaxElementsForIntersection)
        {
            return true;
        }

        var alphabet = Representatives(mine, theirs, excluded);
        var forbidLeadingDot = hidesDotNames && !StartsWithLiteralDot;
        var start = (Closure(mine, 1UL), Closure(theirs, 1UL), except is null ? 0UL : Closure(excluded, 1UL), false);
        var seen = new HashSet<(ulong, ulong, ulong, bool)> { start };
        var pending = new Queue<(ulong Mine, ulong Theirs, ulong Excluded, bool Started)>();
        pending.Enqueue(start);
        while (pending.TryDequeue(out var state))
        {
            // The subset construction can grow exponentially with wildcards ("*a?????…"): past the budget the
            // answer is the safe one, that the patterns may meet.
            if (seen.Count > MaxIntersectionStates)
            {
                return true;
            }

            if (state.Started && Accepting(mine, state.Mine) && Accepting(theirs, state.Theirs) && (except is null || !Accepting(excluded, state.Excluded)))
            {
                return true;
            }

            foreach (var character in alphabet)
            {
                if (!state.Started && forbidLeadingDot && character == '.')
                {
                    continue;
                }

                var next = (Step(mine, state.Mine, character), Step(theirs, state.Theirs, character), except is null ? 0UL : Step(excluded, state.Excluded, character), true);
                if (next.Item1 != 0 && next.Item2 != 0 && seen.Add(next))
                {
                    pending.Enqueue(next);
                }
            }
        }

        return false;
    }

    private static bool Accepting(GlobElement[] elements, ulong positions) => ((positions >> elements.Length) & 1) != 0;

    private static ulong Closure(GlobElement[] elements, ulong positions)
    {
        for (var i = 0; i < elements.Length; i++)
        {
            if (((positions >> i) & 1) != 0 && elements[i].Kind == GlobElementKind.AnyString)
            {
                positions |= 1UL << (i + 1);
            }
        }

        return positions;
    }

    private static ulong Step(GlobElement[] elements, ulong positions, char character)
    {
        var next = 0UL;
        for (var i = 0; i < elements.Length; i++)
        {
            if (((positions >> i) & 1) == 0)
            {
                continue;
            }

            if (elements[i].Kind == GlobElementKind.AnyString)
            {
                next |= 1UL << i;
            }
            else if (elements[i].Accepts(character))
            {
                next |= 1UL << (i + 1);
            }
        }

        return Closure(elements, next);
    }

    private static List<char> Representatives(params GlobElement[][] patterns)
    {
        var breaks = new SortedSet<int> { 1, '.', '.' + 1, '/', '/' + 1 };
        foreach (var element in patterns.SelectMany(pattern => pattern))
        {
            if (element.Kind == GlobElementKind.Literal)
            {
                breaks.Add(element.Character);
                breaks.Add(element.Character + 1);
            }
            else if (element.Kind == GlobElementKind.Class)
            {
                foreach (var (low, high) in element.Ranges!)
                {
                    breaks.Add(low);
                    breaks.Add(high + 1);
                }
            }
        }

        return breaks.Where(value => value is >= 1 and <= char.MaxValue && value != '/').Select(value => (char)value).ToList();
    }

    /// <summary>Parses <c>[…]</c> starting at <paramref name="start"/>; false when it is not closed (then <c>[</c> is literal).</summary>
    private static bool TryParseBracket(string text, int start, out GlobElement element, out int end)
    {
        element = default;
        end = start;
        var i = start + 1;
        var negated = i < text.Length && text[i] is '!' or '^';
        if (negated)
        {
            i++;
        }

        var ranges = new List<(char, char)>();
        var widened = false;
        var first = true;
        while (i < text.Length)
        {
            var character = text[i];
            if (character == ']' && !first)
            {
                end = i;
                element = widened
                    ? new GlobElement(GlobElementKind.AnyCharacter, '\0', null, false)
                    : new GlobElement(GlobElementKind.Class, '\0', ranges.ToArray(), negated);
                return true;
            }

            first = false;
            if (character == '[' && i + 1 < text.Length && text[i + 1] is ':' or '=' or '.')
            {
                var close = text.IndexOf(text[i + 1] + "]", i + 2, StringComparison.Ordinal);
                if (close >= 0)
                {
                    // A character class, equivalence class or collating symbol: not modelled, so any character.
                    widened = true;
                    i = close + 2;
                    continue;
                }
            }

            var low = ReadCharacter(text, ref i);
            if (i + 1 < text.Length && text[i] == '-' && text[i + 1] != ']')
            {
                i++;
                var high = ReadCharacter(text, ref i);
                if (low <= high)
                {
                    ranges.Add((low, high));
                }
            }
            else
            {
                ranges.Add((low, low));
            }
        }

        return false;
    }

    private static char ReadCharacter(string text, ref int i)
    {
        if (text[i] == '\\' && i + 1 < text.Length)
        {
            i += 2;
            return text[i - 1];
        }

        return text[i++];
    }
}
