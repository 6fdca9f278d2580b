using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>The answer to a question, or the session cache's, and the decision it produced (<c>answer</c>).</summary>
/// <param name="ApprovalId">The question answered, or null when no question was sent (the session cache).</param>
/// <param name="Decision">The decision (<c>approved</c>, <c>denied</c>, …).</param>
/// <param name="Source">Who decided (<c>user</c>, <c>session</c>, …).</param>
/// <param name="Reason">The reason code.</param>
/// <param name="Note">The human's note, or null.</param>
/// <param name="AnswerShape">The raw answer's shape, as the client sent it; stored in at most 1 KiB.</param>
public sealed record AnswerGiven(
    [property: JsonPropertyName("approval_id")] string? ApprovalId,
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("note")] string? Note,
    [property: JsonPropertyName("answer_shape"), JsonConverter(typeof(AnswerShapeLimit))] string? AnswerShape) : IAuditRecord
{
    /// <inheritdoc />
    [JsonIgnore]
    public JsonTypeInfo TypeInfo => CallRecordJsonContext.Default.AnswerGiven;

    /// <inheritdoc />
    [JsonIgnore]
    public string EventName => AuditEventNames.Answer;
}
