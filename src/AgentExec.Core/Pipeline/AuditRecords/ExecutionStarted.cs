using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>The command started (<c>execution_started</c>).</summary>
/// <param name="Sandbox">The sandbox mode it runs under, or <c>none</c>.</param>
/// <param name="SandboxBackend">The backend that enforces it.</param>
public sealed record ExecutionStarted(
    [property: JsonPropertyName("sandbox")] string Sandbox,
    [property: JsonPropertyName("sandbox_backend")] string SandboxBackend) : IAuditRecord
{
    /// <inheritdoc />
    [JsonIgnore]
    public JsonTypeInfo TypeInfo => CallRecordJsonContext.Default.ExecutionStarted;

    /// <inheritdoc />
    [JsonIgnore]
    public string EventName => AuditEventNames.ExecutionStarted;
}
