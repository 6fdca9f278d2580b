namespace AgentExec.Core.Commands;

/// <summary>
/// The <c>find</c> expressions a known-safe part may run: start points, then tests and the actions that only print
/// to standard output (SPEC.md "Policy", step 3a).
/// </summary>
/// <remarks>
/// find's options are single-dash words (<c>-delete</c>, <c>-newermt</c>) compared whole. Everything not listed
/// refutes the proof: <c>-exec</c>, <c>-execdir</c>, <c>-ok</c>, <c>-okdir</c> run commands, <c>-delete</c> deletes,
/// <c>-fprint</c>, <c>-fprint0</c>, <c>-fprintf</c>, <c>-fls</c> write files, <c>-files0-from</c> reads start points
/// from a file nobody has read.
/// </remarks>
internal static class FindGrammar
{
    // Each accepted primary and how many words follow it as its arguments.
    private static readonly Dictionary<string, int> Primaries = new(StringComparer.Ordinal)
    {
        ["-name"] = 1, ["-iname"] = 1, ["-path"] = 1, ["-ipath"] = 1, ["-wholename"] = 1, ["-iwholename"] = 1,
        ["-regex"] = 1, ["-iregex"] = 1, ["-regextype"] = 1, ["-lname"] = 1, ["-ilname"] = 1,
        ["-type"] = 1, ["-xtype"] = 1, ["-size"] = 1, ["-perm"] = 1, ["-user"] = 1, ["-group"] = 1, ["-uid"] = 1, ["-gid"] = 1,
        ["-links"] = 1, ["-inum"] = 1, ["-samefile"] = 1, ["-newer"] = 1, ["-anewer"] = 1, ["-cnewer"] = 1,
        ["-mtime"] = 1, ["-mmin"] = 1, ["-atime"] = 1, ["-amin"] = 1, ["-ctime"] = 1, ["-cmin"] = 1, ["-used"] = 1,
        ["-maxdepth"] = 1, ["-mindepth"] = 1, ["-fstype"] = 1, ["-printf"] = 1, ["-context"] = 1,
        ["-empty"] = 0, ["-readable"] = 0, ["-writable"] = 0, ["-executable"] = 0, ["-nouser"] = 0, ["-nogroup"] = 0,
        ["-depth"] = 0, ["-follow"] = 0, ["-xdev"] = 0, ["-mount"] = 0, ["-noleaf"] = 0, ["-prune"] = 0, ["-quit"] = 0,
        ["-daystart"] = 0, ["-ignore_readdir_race"] = 0, ["-noignore_readdir_race"] = 0, ["-warn"] = 0, ["-nowarn"] = 0,
        ["-print"] = 0, ["-print0"] = 0, ["-ls"] = 0, ["-true"] = 0, ["-false"] = 0,
        ["-not"] = 0, ["!"] = 0, ["-a"] = 0, ["-and"] = 0, ["-o"] = 0, ["-or"] = 0, ["("] = 0, [")"] = 0, [","] = 0,
    };

    // Options before the start points: symlink handling only (-D and -O are debugging and optimisation knobs).
    private static readonly HashSet<string> LeadingOptions = ["-H", "-L", "-P"];

    /// <summary>Why <c>find</c> with the literal <paramref name="arguments"/> is not a known-safe read, or null when it is.</summary>
    public static string? Refute(IReadOnlyList<string> arguments)
    {
        var i = 0;
        while (i < arguments.Count && LeadingOptions.Contains(arguments[i]))
        {
            i++;
        }

        // Start points: every word before the first one that starts an expression.
        while (i < arguments.Count && !StartsExpression(arguments[i]))
        {
            i++;
        }

        for (; i < arguments.Count; i++)
        {
            var word = arguments[i];
            if (word.StartsWith("-newer", StringComparison.Ordinal) && word.Length == 8)
            {
                // -newerXY REFERENCE: compares times. With Y = t the reference is a date string, whose TZ="…" names a
                // time zone file find opens.
                if (word[7] == 't' && i + 1 < arguments.Count && KnownSafePrograms.DateStringRefusal("find", arguments[i + 1]) is { } refusal)
                {
                    return refusal;
                }

                i++;
                continue;
            }

            if (!Primaries.TryGetValue(word, out var count))
            {
                return $"find {word} is not on find's allow-list";
            }

            if (count > 0 && i + count >= arguments.Count)
            {
                return $"find {word} lacks its argument";
            }

            i += count;
        }

        return null;
    }

    private static bool StartsExpression(string word) => word.StartsWith('-') || word is "(" or "!" or ")" or ",";
}
