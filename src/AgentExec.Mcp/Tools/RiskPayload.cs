using System.Text.Json.Serialization;

namespace AgentExec.Mcp.Tools;

/// <summary>A risk assessment on the wire (<c>approval.risk</c>, <c>codex_risk</c>, <c>_meta</c>): the assessor's own field names.</summary>
internal sealed record RiskPayload(
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("risk_level")] string RiskLevel,
    [property: JsonPropertyName("risk_category")] string RiskCategory);
