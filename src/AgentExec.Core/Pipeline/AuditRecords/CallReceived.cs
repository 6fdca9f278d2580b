using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>A command arrived (<c>call_received</c>).</summary>
/// <param name="Command">The whole command line, as the agent sent it; stored in at most 64 KiB. Null only for invalid input that named none.</param>
/// <param name="Cwd">The working directory the call asked for, before it was resolved; null for invalid input. The agent writes it, so it is bounded like the command.</param>
/// <param name="TimeoutMs">The call's execution timeout in milliseconds; null for invalid input.</param>
/// <param name="Justification">The agent's justification, or null; stored in at most 64 KiB like the command (the agent writes it).</param>
/// <param name="Escalation">What the call asks beyond a sandboxed run (<c>none</c>, <c>require_escalated</c>, …); null for invalid input.</param>
public sealed record CallReceived(
    [property: JsonPropertyName("command"), JsonConverter(typeof(CommandLineLimit))] string? Command,
    [property: JsonPropertyName("cwd"), JsonConverter(typeof(CommandLineLimit))] string? Cwd,
    [property: JsonPropertyName("timeout_ms")] long? TimeoutMs,
    [property: JsonPropertyName("justification"), JsonConverter(typeof(CommandLineLimit))] string? Justification,
    [property: JsonPropertyName("escalation")] string? Escalation) : IAuditRecord
{
    /// <inheritdoc />
    [JsonIgnore]
    public JsonTypeInfo TypeInfo => CallRecordJsonContext.Default.CallReceived;

    /// <inheritdoc />
    [JsonIgnore]
    public string EventName => AuditEventNames.CallReceived;
}
