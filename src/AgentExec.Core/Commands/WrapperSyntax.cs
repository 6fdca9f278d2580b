using System.Text.RegularExpressions;

namespace AgentExec.Core.Commands;

/// <summary>
/// The options a wrapper accepts before the command it runs, so the command can be found. An option
/// outside this table makes the command unknown rather than guessed at.
/// </summary>
/// <param name="ShortFlags">Single-letter options without a value.</param>
/// <param name="ShortWithValue">Single-letter options that take a value, attached or as the next word.</param>
/// <param name="LongFlags">Long option names (without dashes) that take no value, or only an attached <c>=value</c>.</param>
/// <param name="LongWithValue">Long option names that take a value, attached or as the next word.</param>
internal sealed partial record WrapperSyntax(
    string ShortFlags,
    string ShortWithValue,
    IReadOnlyList<string> LongFlags,
    IReadOnlyList<string> LongWithValue)
{
    /// <summary>Single-letter options whose value can only be attached (<c>xargs -i[REPLACE]</c>).</summary>
    public string ShortWithAttachedValue { get; init; } = string.Empty;

    /// <summary>True for <c>nice</c>, which also takes its adjustment as <c>-10</c>.</summary>
    public bool AcceptsNumericOption { get; init; }

    /// <summary>A wrapper that takes no options at all.</summary>
    public static WrapperSyntax None { get; } = new(string.Empty, string.Empty, [], []);

    /// <summary>
    /// Reads the options after the wrapper's name (<c>words[0]</c>) and returns the index of the first word
    /// that is not an option, or -1 with <paramref name="problem"/> set. <paramref name="seen"/> lists the
    /// options met, as <c>-x</c> or <c>--name</c>.
    /// </summary>
    public int SkipOptions(IReadOnlyList<ShellWord> words, out List<string> seen, out string? problem)
    {
        seen = [];
        problem = null;
        var wrapper = words[0].Value;
        var i = 1;
        while (i < words.Count)
        {
            var word = words[i];
            if (!word.IsStatic)
            {
                if (word.MayBeFlag)
                {
                    problem = $"an option of {wrapper} is computed at run time";
                    return -1;
                }

                return i;
            }

            var value = word.Value;
            if (value == FlagSet.EndOfFlags)
            {
                return i + 1;
            }

            if (!FlagSet.IsFlag(value))
            {
                return i;
            }

            if (AcceptsNumericOption && NumericOption().IsMatch(value))
            {
                i++;
                continue;
            }

            var consumed = value.StartsWith("--", StringComparison.Ordinal)
                ? ReadLongOption(words, i, seen, out problem)
                : ReadShortCluster(words, i, seen, out problem);
            if (problem is not null)
            {
                problem = $"{wrapper}: {problem}";
                return -1;
            }

            i += consumed;
        }

        return i;
    }

    private int ReadLongOption(IReadOnlyList<ShellWord> words, int index, List<string> seen, out string? problem)
    {
        problem = null;
        var value = words[index].Value;
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        var typed = equals < 0 ? value[2..] : value[2..equals];

        // GNU getopt accepts any unambiguous abbreviation; an exact name wins over longer ones.
        var candidates = LongFlags.Concat(LongWithValue).Where(name => name.StartsWith(typed, StringComparison.Ordinal)).ToList();
        var name = candidates.Contains(typed) ? typed : candidates.Count == 1 ? candidates[0] : null;
        if (name is null || typed.Length == 0)
        {
            problem = $"unrecognised option {value}";
            return 0;
        }

        seen.Add("--" + name);
        if (equals >= 0 || !LongWithValue.Contains(name))
        {
            return 1;
        }

        if (index + 1 >= words.Count)
        {
            problem = $"option --{name} needs a value";
            return 0;
        }

        return 2;
    }

    private int ReadShortCluster(IReadOnlyList<ShellWord> words, int index, List<string> seen, out string? problem)
    {
        problem = null;
        var value = words[index].Value;
        for (var j = 1; j < value.Length; j++)
        {
            var letter = value[j];
            var option = string.Concat("-", letter.ToString());
            if (ShortFlags.Contains(letter, StringComparison.Ordinal))
            {
                seen.Add(option);
            }
            else if (ShortWithAttachedValue.Contains(letter, StringComparison.Ordinal))
            {
                seen.Add(option);
                return 1;
            }
            else if (ShortWithValue.Contains(letter, StringComparison.Ordinal))
            {
                seen.Add(option);
                if (j < value.Length - 1)
                {
                    return 1;
                }

                if (index + 1 >= words.Count)
                {
                    problem = $"option {option} needs a value";
                    return 0;
                }

                return 2;
            }
            else
            {
                problem = $"unrecognised option {option}";
                return 0;
            }
        }

        return 1;
    }

    [GeneratedRegex(@"^-[+-]?[0-9]+$")]
    private static partial Regex NumericOption();
}
