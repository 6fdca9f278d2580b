namespace AgentExec.Core.Policy;

/// <summary>The matcher's answer for one rule and one simple command, with the doubt behind a "might match".</summary>
/// <param name="Kind">Matches, might match, or does not match.</param>
/// <param name="Doubt">Why the match is only possible (<c>"an argument is only known at run time"</c>); null otherwise.</param>
internal readonly record struct RuleMatch(RuleMatchKind Kind, string? Doubt)
{
    /// <summary>The pattern matches.</summary>
    public static RuleMatch Yes { get; } = new(RuleMatchKind.Matches, null);

    /// <summary>The pattern does not match.</summary>
    public static RuleMatch No { get; } = new(RuleMatchKind.NoMatch, null);

    /// <summary>The pattern might match, for the reason given.</summary>
    public static RuleMatch Maybe(string doubt) => new(RuleMatchKind.MightMatch, doubt);
}
