using System.Text.Json.Serialization;

namespace AgentExec.Mcp.Tools;

/// <summary>One entry of the result's <c>network</c> list (SPEC.md "Network allow-list"): a destination and its decision.</summary>
internal sealed record ShellToolNetworkDecision(
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("decision")] string Decision);
