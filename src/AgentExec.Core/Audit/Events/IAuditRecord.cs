namespace AgentExec.Core.Audit.Events;

/// <summary>
/// One kind of audit event as a typed record: its properties are the event's fields, in the order they are written,
/// serialized by <see cref="AuditJsonContext"/>.
/// </summary>
public interface IAuditRecord
{
    /// <summary>The wire name of the event (<see cref="AuditEventNames"/>); not a field.</summary>
    string EventName { get; }
}
