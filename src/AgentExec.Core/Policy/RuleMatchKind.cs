namespace AgentExec.Core.Policy;

/// <summary>How a rule's pattern relates to a simple command.</summary>
internal enum RuleMatchKind
{
    /// <summary>The pattern cannot match, whatever the run-time words turn out to be.</summary>
    NoMatch,

    /// <summary>The pattern matches for some values of the words only known at run time, or some reading the matcher cannot rule out.</summary>
    MightMatch,

    /// <summary>The pattern matches.</summary>
    Matches,
}
