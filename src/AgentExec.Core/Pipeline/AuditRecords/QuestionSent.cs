using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>A question was put to a human (<c>elicitation_sent</c>), through whichever channel asks: MCP elicitation or the terminal.</summary>
/// <param name="ApprovalId">The question's id, which the answer names.</param>
/// <param name="Escalation">What the question asks beyond a sandboxed run.</param>
/// <param name="Message">The question as the human reads it; it quotes the command line, so it is stored in at most 64 KiB like one.</param>
public sealed record QuestionSent(
    [property: JsonPropertyName("approval_id")] string ApprovalId,
    [property: JsonPropertyName("escalation")] string Escalation,
    [property: JsonPropertyName("message"), JsonConverter(typeof(CommandLineLimit))] string Message) : IAuditRecord
{
    /// <inheritdoc />
    [JsonIgnore]
    public JsonTypeInfo TypeInfo => CallRecordJsonContext.Default.QuestionSent;

    /// <inheritdoc />
    [JsonIgnore]
    public string EventName => AuditEventNames.ElicitationSent;
}
