using System.Text;

namespace AgentExec.Core.Commands;

/// <summary>
/// The words bash's brace expansion makes of a pattern text (<see cref="ShellWord.BracePattern"/>), for the credential
/// check: <c>cat ~/{.netrc,x}</c> reads <c>~/.netrc</c> (found by an attack, which it ran with no question under
/// <c>danger-full-access</c>).
/// </summary>
/// <remarks>
/// A superset of bash's reading: a brace that quoting made literal is expanded too (one more spelling to check, never
/// one fewer), and a sequence (<c>{1..9}</c>, <c>{a..z}</c>) becomes <c>*</c>, which matches every name a sequence can
/// make (none starts with a dot or holds a slash). The words are made one at a time: the caller stops after as many as
/// it checks (a line of nested braces could otherwise make millions).
/// </remarks>
internal static class BraceExpansion
{
    // Past these the words are not made at all (the caller takes the stricter answer): each word is built through every
    // group before it, so the cost grows with length times groups, and the generators nest as deep as the groups.
    private const int MaxPatternLength = 1024;
    private const int MaxNesting = 8;

    /// <summary>Whether <paramref name="pattern"/> is small and shallow enough to expand (<see cref="Expand(string)"/>).</summary>
    public static bool CanExpand(string pattern)
    {
        if (pattern.Length > MaxPatternLength)
        {
            return false;
        }

        var depth = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '{' when ++depth > MaxNesting:
                    return false;
                case '}' when depth > 0:
                    depth--;
                    break;
            }
        }

        return true;
    }

    /// <summary>Every word <paramref name="pattern"/> expands to, and whether a sequence in it became <c>*</c>; only for a pattern <see cref="CanExpand"/> accepts.</summary>
    public static IEnumerable<(string Word, bool HasSequence)> Expand(string pattern) =>
        CanExpand(pattern) ? ExpandFrom(pattern, hasSequence: false) : throw new ArgumentException("The pattern is too long or too deeply nested to expand.", nameof(pattern));

    private static IEnumerable<(string Word, bool HasSequence)> ExpandFrom(string pattern, bool hasSequence)
    {
        if (FirstGroup(pattern) is not var (open, close, alternatives))
        {
            yield return (pattern, hasSequence);
            yield break;
        }

        var prefix = pattern[..open];
        var suffix = pattern[(close + 1)..];
        if (alternatives is null)
        {
            foreach (var expanded in ExpandFrom(prefix + "*" + suffix, hasSequence: true))
            {
                yield return expanded;
            }

            yield break;
        }

        foreach (var alternative in alternatives)
        {
            foreach (var expanded in ExpandFrom(prefix + alternative + suffix, hasSequence))
            {
                yield return expanded;
            }
        }
    }

    // The first "{" whose matching "}" encloses a top-level "," (its alternatives) or ".." (a sequence: null
    // alternatives), skipping backslash-escaped characters.
    private static (int Open, int Close, List<string>? Alternatives)? FirstGroup(string pattern)
    {
        for (var open = 0; open < pattern.Length; open++)
        {
            if (pattern[open] == '\\')
            {
                open++;
                continue;
            }

            if (pattern[open] != '{')
            {
                continue;
            }

            var depth = 0;
            var alternatives = new List<string>();
            var current = new StringBuilder();
            for (var i = open + 1; i < pattern.Length; i++)
            {
                var c = pattern[i];
                if (c == '\\' && i + 1 < pattern.Length)
                {
                    current.Append(c).Append(pattern[++i]);
                    continue;
                }

                if (c == '{')
                {
                    depth++;
                }
                else if (c == '}' && depth > 0)
                {
                    depth--;
                }
                else if (c == '}')
                {
                    alternatives.Add(current.ToString());
                    if (alternatives.Count > 1)
                    {
                        return (open, i, alternatives);
                    }

                    if (alternatives[0].Contains("..", StringComparison.Ordinal))
                    {
                        return (open, i, null);
                    }

                    break;
                }
                else if (c == ',' && depth == 0)
                {
                    alternatives.Add(current.ToString());
                    current.Clear();
                    continue;
                }

                current.Append(c);
            }
        }

        return null;
    }
}
