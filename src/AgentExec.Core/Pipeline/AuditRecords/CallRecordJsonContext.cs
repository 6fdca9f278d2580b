using System.Text.Json.Serialization;
using AgentExec.Core.Audit;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>The source-generated serializer of the pipeline's audit records (Native AOT: no reflection).</summary>
/// <remarks>
/// Property order is declaration order, as the records spell it; nulls are written as <c>null</c> unless a property
/// says otherwise. Escaping is not set here: <see cref="AuditEvent.For"/> serializes into a writer with the log's
/// encoder (<see cref="AuditLineFormat"/>), so a record's bytes are exactly what the line holds. The log's own
/// <c>recovery</c> record has its own context in <c>Audit</c>: the log sits below everything that records into it, so it
/// cannot reach this one (the namespaces are one-way, see <c>src/AgentExec.Core/README.md</c>).
/// </remarks>
[JsonSerializable(typeof(CallReceived))]
[JsonSerializable(typeof(PolicyDecided))]
[JsonSerializable(typeof(RiskAssessed))]
[JsonSerializable(typeof(QuestionSent))]
[JsonSerializable(typeof(AnswerGiven))]
[JsonSerializable(typeof(ExecutionStarted))]
[JsonSerializable(typeof(ExecutionFinished))]
[JsonSerializable(typeof(CallDenied))]
[JsonSerializable(typeof(NetworkDecided))]
internal sealed partial class CallRecordJsonContext : JsonSerializerContext;
