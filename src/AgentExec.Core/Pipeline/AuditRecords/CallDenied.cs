using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>The command was denied and did not run (<c>denial</c>).</summary>
/// <param name="Reason">The reason code, or null when the denial had no approval outcome.</param>
/// <param name="Decision">The decision, or null likewise.</param>
/// <param name="Message">What the caller was told; it can quote the agent's input (an unknown field's name, a working directory), so it is stored in at most 64 KiB like the command.</param>
public sealed record CallDenied(
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("decision")] string? Decision,
    [property: JsonPropertyName("message"), JsonConverter(typeof(CommandLineLimit))] string Message) : IAuditRecord
{
    /// <inheritdoc />
    [JsonIgnore]
    public JsonTypeInfo TypeInfo => CallRecordJsonContext.Default.CallDenied;

    /// <inheritdoc />
    [JsonIgnore]
    public string EventName => AuditEventNames.Denial;
}
