using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;
using AgentExec.Core.Configuration;
using AgentExec.Core.Policy;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>
/// The policy judged the command (<c>policy_decision</c>): the verdict, reason code, policy, unknown-ness, each part with
/// its rule, and the reason chain. The one rendering of a <see cref="PolicyEvaluation"/>: <c>check --json</c> prints it
/// too.
/// </summary>
/// <param name="Verdict">The verdict (<c>run</c>, <c>ask</c>, <c>forbid</c>).</param>
/// <param name="Reason">The reason code, or null.</param>
/// <param name="Policy">The approval policy it was judged under.</param>
/// <param name="Unknown">Why the line could not be understood, or null.</param>
/// <param name="Constructs">The shell constructs the line uses.</param>
/// <param name="Parts">Each simple command with its verdict and rule.</param>
/// <param name="Explanation">The reason chain, in words.</param>
public sealed record PolicyDecided(
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("unknown")] string? Unknown,
    [property: JsonPropertyName("constructs")] IReadOnlyList<string> Constructs,
    [property: JsonPropertyName("parts")] IReadOnlyList<PolicyDecidedPart> Parts,
    [property: JsonPropertyName("explanation")] IReadOnlyList<string> Explanation) : IAuditRecord
{
    /// <inheritdoc />
    [JsonIgnore]
    public JsonTypeInfo TypeInfo => CallRecordJsonContext.Default.PolicyDecided;

    /// <inheritdoc />
    [JsonIgnore]
    public string EventName => AuditEventNames.PolicyDecision;

    /// <summary>The record as a JSON object, the same members the audit event holds (for <c>check --json</c>).</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, CallRecordJsonContext.Default.PolicyDecided)!.AsObject();

    /// <summary>The record of <paramref name="evaluation"/>.</summary>
    public static PolicyDecided From(PolicyEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return new PolicyDecided(
            evaluation.Verdict.ToCode(),
            evaluation.Reason is { } reason ? ApprovalReasonCodes.ToCode(reason) : null,
            evaluation.Policy.ToCode(),
            evaluation.Analysis.UnknownReason,
            [.. evaluation.Analysis.Constructs],
            [.. evaluation.Parts.Select(PolicyDecidedPart.From)],
            [.. evaluation.Explanation]);
    }
}
