using System.Text.Json.Serialization;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;
using AgentExec.Core.Configuration;
using AgentExec.Core.Policy;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>The rule that decided a <see cref="PolicyDecidedPart"/>, and how certainly it matched.</summary>
/// <param name="Pattern">The rule's pattern.</param>
/// <param name="Decision">The rule's decision.</param>
/// <param name="Justification">The rule's justification, or null.</param>
/// <param name="Origin">Where the rule comes from (<c>user</c> or <c>workspace</c>).</param>
/// <param name="Match"><c>certain</c>, or <c>possible</c> when the part might not be what the rule names.</param>
/// <param name="Doubt">Why the match is only possible, or null.</param>
public sealed record PolicyDecidedRule(
    [property: JsonPropertyName("pattern")] IReadOnlyList<string> Pattern,
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("justification")] string? Justification,
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("match")] string Match,
    [property: JsonPropertyName("doubt")] string? Doubt)
{
    /// <summary>The record of <paramref name="rule"/>, matched with <paramref name="doubt"/> (null when certain).</summary>
    public static PolicyDecidedRule From(PolicyRule rule, string? doubt)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new PolicyDecidedRule(
            [.. rule.Pattern],
            rule.Decision.ToCode(),
            rule.Justification,
            rule.Origin == RuleOrigin.User ? "user" : "workspace",
            doubt is null ? "certain" : "possible",
            doubt);
    }
}
