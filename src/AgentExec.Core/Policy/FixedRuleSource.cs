namespace AgentExec.Core.Policy;

/// <summary>A rule source that never changes: for tests and one-shot commands.</summary>
/// <param name="rules">The rules.</param>
public sealed class FixedRuleSource(IReadOnlyList<PolicyRule> rules) : IRuleSource
{
    /// <summary>No rules at all.</summary>
    public static FixedRuleSource Empty { get; } = new([]);

    /// <inheritdoc />
    public IReadOnlyList<PolicyRule> Current { get; } = rules;
}
