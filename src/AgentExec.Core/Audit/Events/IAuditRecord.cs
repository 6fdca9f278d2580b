using System.Text.Json.Serialization.Metadata;

namespace AgentExec.Core.Audit.Events;

/// <summary>
/// One kind of audit event as a typed record: its properties are the event's fields, in the order they are written,
/// serialized by the source-generated type information it names (Native AOT: no reflection).
/// </summary>
/// <remarks>
/// Each record names its own type information so that the log, which sits below every namespace that records into it,
/// needs no knowledge of them: the pipeline's records live with the pipeline, the log's own <c>recovery</c> record here.
/// </remarks>
public interface IAuditRecord
{
    /// <summary>The wire name of the event (<see cref="AuditEventNames"/>); not a field.</summary>
    string EventName { get; }

    /// <summary>The source-generated type information that writes this record; its type must be the record's own.</summary>
    JsonTypeInfo TypeInfo { get; }
}
