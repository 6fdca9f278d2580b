using System.Text.Json.Serialization;

namespace AgentExec.Mcp.Tools;

/// <summary>The result's <c>approval</c> object: who decided, why, the human's note and the risk shown.</summary>
internal sealed record ShellToolApproval(
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("note")] string? Note,
    [property: JsonPropertyName("risk")] RiskPayload? Risk);
