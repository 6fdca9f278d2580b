using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>The command was denied and did not run (<c>denial</c>).</summary>
/// <param name="Reason">The reason code, or null when the denial had no approval outcome.</param>
/// <param name="Decision">The decision, or null likewise.</param>
/// <param name="Message">What the caller was told.</param>
public sealed record CallDenied(
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("decision")] string? Decision,
    [property: JsonPropertyName("message")] string Message) : IAuditRecord
{
    /// <inheritdoc />
    [JsonIgnore]
    public JsonTypeInfo TypeInfo => CallRecordJsonContext.Default.CallDenied;

    /// <inheritdoc />
    [JsonIgnore]
    public string EventName => AuditEventNames.Denial;
}
