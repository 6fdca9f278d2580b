using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>
/// The egress proxy's gate decided one destination of a running command (<c>network_decision</c>, SPEC.md "Network
/// allow-list"): one event per CONNECT target or plain-HTTP request.
/// </summary>
/// <param name="Host">The canonical host (a DNS name in lower case, or an IP literal).</param>
/// <param name="Port">The TCP port.</param>
/// <param name="Request"><c>connect</c> for a CONNECT tunnel, <c>http</c> for a plain-HTTP request.</param>
/// <param name="Decision"><c>allowed</c> or <c>denied</c>.</param>
/// <param name="Source">Which rule or whom it came from (<c>NetworkDecisionSources</c>).</param>
/// <param name="Reason">Why, in one line of AgentExec's words.</param>
/// <param name="ApprovalId">The question asked about it, or null when nobody was asked.</param>
/// <param name="ApprovalReason">The answer's reason code when a human was involved (asked, or an earlier session answer); else null.</param>
public sealed record NetworkDecided(
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("request")] string Request,
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("reason"), JsonConverter(typeof(CommandLineLimit))] string Reason,
    [property: JsonPropertyName("approval_id")] string? ApprovalId,
    [property: JsonPropertyName("approval_reason")] string? ApprovalReason) : IAuditRecord
{
    /// <inheritdoc />
    [JsonIgnore]
    public JsonTypeInfo TypeInfo => CallRecordJsonContext.Default.NetworkDecided;

    /// <inheritdoc />
    [JsonIgnore]
    public string EventName => AuditEventNames.NetworkDecision;
}
