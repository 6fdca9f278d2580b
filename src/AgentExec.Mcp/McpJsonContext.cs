using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AgentExec.Mcp.Tools;

namespace AgentExec.Mcp;

/// <summary>The Mcp project's one source-generated JSON context (Native AOT: no reflection-based serialization).</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ShellToolResult))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class McpJsonContext : JsonSerializerContext;
