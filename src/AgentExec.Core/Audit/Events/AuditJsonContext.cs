using System.Text.Json.Serialization;

namespace AgentExec.Core.Audit.Events;

/// <summary>The source-generated serializer of every audit record (Native AOT: no reflection).</summary>
/// <remarks>
/// Property order is declaration order, as the records spell it; nulls are written as <c>null</c> unless a property
/// says otherwise. Escaping is not set here: <see cref="AuditEvent.For"/> serializes into a writer with the log's
/// encoder (<see cref="AuditLineFormat"/>), so a record's bytes are exactly what the line holds.
/// </remarks>
[JsonSerializable(typeof(CallReceived))]
[JsonSerializable(typeof(PolicyDecided))]
[JsonSerializable(typeof(RiskAssessed))]
[JsonSerializable(typeof(QuestionSent))]
[JsonSerializable(typeof(AnswerGiven))]
[JsonSerializable(typeof(ExecutionStarted))]
[JsonSerializable(typeof(ExecutionFinished))]
[JsonSerializable(typeof(CallDenied))]
[JsonSerializable(typeof(TornLinesRecovered))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
