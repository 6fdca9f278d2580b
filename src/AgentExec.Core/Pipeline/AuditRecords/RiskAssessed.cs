using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>A risk assessment finished (<c>assessment</c>): its status and latency, and the risk when there is one.</summary>
/// <param name="Status">How the assessment ended (<c>success</c>, <c>timeout</c>, <c>model_error</c>, …).</param>
/// <param name="LatencyMs">How long it took, in milliseconds.</param>
/// <param name="RiskLevel">The assessed level, or null without a risk.</param>
/// <param name="RiskCategory">The assessed category, or null without a risk.</param>
/// <param name="Detail">Why it failed, or null.</param>
public sealed record RiskAssessed(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("latency_ms")] long LatencyMs,
    [property: JsonPropertyName("risk_level")] string? RiskLevel,
    [property: JsonPropertyName("risk_category")] string? RiskCategory,
    [property: JsonPropertyName("detail")] string? Detail) : IAuditRecord
{
    /// <inheritdoc />
    [JsonIgnore]
    public JsonTypeInfo TypeInfo => CallRecordJsonContext.Default.RiskAssessed;

    /// <inheritdoc />
    [JsonIgnore]
    public string EventName => AuditEventNames.Assessment;
}
