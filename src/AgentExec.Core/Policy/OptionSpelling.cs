namespace AgentExec.Core.Policy;

/// <summary>One option of a program: every way it is spelled, how it takes a value, and what else it counts as.</summary>
/// <param name="Name">The name it compares as (<c>--recursive</c>): the first long spelling, or the only spelling.</param>
/// <param name="Spellings">Every spelling with its dashes (<c>-r</c>, <c>-R</c>, <c>--recursive</c>).</param>
/// <param name="Arity">How it takes a value.</param>
internal sealed record OptionSpelling(string Name, IReadOnlyList<string> Spellings, OptionArity Arity)
{
    /// <summary>Other options it counts as for matching (<c>--force-with-lease</c> counts as <c>--force</c>).</summary>
    public IReadOnlyList<string> Implies { get; init; } = [];

    /// <summary>
    /// True for an option that changes which program runs, which configuration or repository the program reads, or
    /// where it works (<c>git -c</c>, <c>git --git-dir</c>, <c>npm --prefix</c>): an <c>allow</c> rule matches a command
    /// using it only when the rule's pattern spells the same option with the same value.
    /// </summary>
    public bool ChangesWhatRuns { get; init; }

    /// <summary>Everything a use of this option counts as: its name and what it implies.</summary>
    public IEnumerable<string> Meanings => Implies.Prepend(Name);

    /// <summary>An option without a value, spelled in any of <paramref name="spellings"/>.</summary>
    public static OptionSpelling Flag(params string[] spellings) => new(NameOf(spellings), spellings, OptionArity.None);

    /// <summary>An option that takes a value, attached or as the next word.</summary>
    public static OptionSpelling Valued(params string[] spellings) => new(NameOf(spellings), spellings, OptionArity.Required);

    /// <summary>An option whose value, if any, must be attached.</summary>
    public static OptionSpelling Optional(params string[] spellings) => new(NameOf(spellings), spellings, OptionArity.AttachedOnly);

    /// <summary>An option whose value is attached, or perhaps the next word: the matcher reads both.</summary>
    public static OptionSpelling Unsure(params string[] spellings) => new(NameOf(spellings), spellings, OptionArity.Unsure);

    /// <summary>A copy that also counts as <paramref name="others"/>.</summary>
    public OptionSpelling Counting(params string[] others) => this with { Implies = others };

    /// <summary>A copy marked <see cref="ChangesWhatRuns"/>.</summary>
    public OptionSpelling ChangingWhatRuns() => this with { ChangesWhatRuns = true };

    private static string NameOf(string[] spellings) =>
        spellings.FirstOrDefault(spelling => spelling.StartsWith("--", StringComparison.Ordinal)) ?? spellings[0];
}
