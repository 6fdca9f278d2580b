using AgentExec.Core.Policy;

namespace AgentExec.Tests.TestSupport;

/// <summary>A rule source that never changes, for pipelines built by tests (the product reads its rules from a <see cref="RuleBook"/>).</summary>
/// <param name="rules">The rules.</param>
internal sealed class FixedRuleSource(IReadOnlyList<PolicyRule> rules) : IRuleSource
{
    /// <summary>No rules at all.</summary>
    public static FixedRuleSource Empty { get; } = new([]);

    /// <inheritdoc />
    public IReadOnlyList<PolicyRule> Current { get; } = rules;
}
