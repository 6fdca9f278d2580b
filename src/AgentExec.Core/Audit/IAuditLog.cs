namespace AgentExec.Core.Audit;

/// <summary>The append-only, hash-chained record of every decision (SPEC.md "Audit log").</summary>
/// <remarks>
/// <see cref="AppendAsync"/> returns only once the event is durable; it throws when it cannot write, and the
/// caller then denies the command (<c>audit_unavailable</c>): nothing proceeds unrecorded.
/// </remarks>
public interface IAuditLog
{
    /// <summary>Appends one event, flushed before returning, and returns the new head.</summary>
    Task<AuditHead> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);
}
