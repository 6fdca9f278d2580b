using System.Text.Json.Serialization;

namespace AgentExec.Core.Audit.Events;

/// <summary>The source-generated serializer of the log's own record, <c>recovery</c> (Native AOT: no reflection).</summary>
/// <remarks>
/// The pipeline's records have their own context beside them (<c>Pipeline/AuditRecords</c>): a single context would have
/// to name them all, and the log sits below the pipeline. Escaping is not set here: <see cref="AuditEvent.For"/>
/// serializes into a writer with the log's encoder (<see cref="AuditLineFormat"/>).
/// </remarks>
[JsonSerializable(typeof(TornLinesRecovered))]
internal sealed partial class AuditLogJsonContext : JsonSerializerContext;
