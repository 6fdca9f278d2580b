namespace AgentExec.Core.Policy;

/// <summary>One option use in one reading of a command.</summary>
/// <param name="Written">As written, without any value (<c>--rec</c>, <c>-R</c>).</param>
/// <param name="Meanings">The option names it counts as (<c>--recursive</c>; <c>--force-with-lease</c> and <c>--force</c>).</param>
/// <param name="Certain">False for an ambiguous abbreviation, which counts as every candidate for a tightening rule and as none for an <c>allow</c> rule.</param>
/// <param name="Known">True when the table knows the option; an unknown long option also matches a pattern option it abbreviates.</param>
/// <param name="Value">Its fixed value, if it has one.</param>
/// <param name="ValueIsDynamic">True when its value is only known at run time.</param>
internal sealed record ReadFlag(string Written, IReadOnlyList<string> Meanings, bool Certain, bool Known, string? Value, bool ValueIsDynamic)
{
    /// <summary>True when the option (or, for an ambiguous abbreviation, any option it may be) is <see cref="OptionSpelling.ChangesWhatRuns"/>.</summary>
    public bool ChangesWhatRuns { get; init; }
}
