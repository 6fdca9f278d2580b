namespace AgentExec.Core.Commands;

/// <summary>
/// A program's arguments as the classifier reads them: static values, flags through <see cref="FlagSet"/>,
/// and whether anything only known at run time (an expansion, or arguments <c>xargs</c> will add) could
/// turn out to be a flag.
/// </summary>
internal sealed class ArgumentView
{
    // Worked out when first asked: most programs' rules read few of them (the view is made for every simple command).
    private IReadOnlyList<string>? values;
    private List<string>? staticValues;
    private IReadOnlySet<string>? flags;
    private IReadOnlyList<string>? operands;

    /// <summary>Views <paramref name="words"/>; <paramref name="readsMoreFromInput"/> says that more arguments follow at run time (<c>xargs</c>).</summary>
    public ArgumentView(IReadOnlyList<ShellWord> words, bool readsMoreFromInput)
    {
        Words = words;
        ReadsMoreFromInput = readsMoreFromInput;
        AnyDynamic = readsMoreFromInput || words.Any(word => !word.IsStatic);

        var flagsEnded = false;
        foreach (var word in words)
        {
            if (word.IsStatic && word.Value == FlagSet.EndOfFlags)
            {
                flagsEnded = true;
                break;
            }

            AnyMayBeFlag |= word.MayBeFlag;
        }

        // xargs appends what it reads after the given arguments, so a "--" among them protects it too.
        AnyMayBeFlag |= readsMoreFromInput && !flagsEnded;
    }

    /// <summary>The words.</summary>
    public IReadOnlyList<ShellWord> Words { get; }

    /// <summary>Each word's value (the source text for a dynamic word).</summary>
    public IReadOnlyList<string> Values => values ??= [.. Words.Select(word => word.Value)];

    /// <summary>The number of words written (not counting what xargs adds).</summary>
    public int Count => Words.Count;

    /// <summary>True when xargs will append arguments read from its input.</summary>
    public bool ReadsMoreFromInput { get; }

    /// <summary>True when any argument is only known at run time.</summary>
    public bool AnyDynamic { get; }

    /// <summary>True when an argument known only at run time could be a flag (it stands before any literal <c>--</c>).</summary>
    public bool AnyMayBeFlag { get; }

    /// <summary>The flags among the static arguments, split as <see cref="FlagSet.ShortAndLongFlags"/> splits them.</summary>
    public IReadOnlySet<string> Flags => flags ??= FlagSet.ShortAndLongFlags(StaticValues);

    /// <summary>The operands, as <see cref="FlagSet.NonFlagArguments"/> finds them.</summary>
    public IReadOnlyList<string> Operands => operands ??= FlagSet.NonFlagArguments(Values);

    /// <summary>True when the single-letter flag <paramref name="letter"/> is given, alone or in a cluster.</summary>
    public bool HasShortFlag(char letter) => Flags.Contains(string.Concat("-", letter.ToString()));

    /// <summary>True when the long option (with its dashes) is given, in full or abbreviated, before <c>--</c>.</summary>
    public bool HasLongOption(string longOption) =>
        StaticValues.TakeWhile(value => value != FlagSet.EndOfFlags).Any(value => FlagSet.NamesLongOption(value, longOption));

    /// <summary>True when some static argument is exactly <paramref name="value"/>.</summary>
    public bool Contains(string value) => StaticValues.Contains(value);

    private List<string> StaticValues => staticValues ??= [.. Words.Where(word => word.IsStatic).Select(word => word.Value)];
}
