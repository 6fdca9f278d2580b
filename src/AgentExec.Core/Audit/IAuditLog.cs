namespace AgentExec.Core.Audit;

/// <summary>The append-only, hash-chained record of every decision (SPEC.md "Audit log").</summary>
/// <remarks>
/// <see cref="AppendAsync"/> returns once the event is written, and durable when asked to be; it throws when it cannot
/// write, and the caller then denies the command (<c>audit_unavailable</c>): nothing proceeds unrecorded.
/// </remarks>
public interface IAuditLog
{
    /// <summary>Appends one event and returns the new head.</summary>
    /// <param name="auditEvent">The event.</param>
    /// <param name="flush">Whether it must be on disk before this returns, or may wait for the next event that must be.</param>
    /// <param name="cancellationToken">Cancels waiting for the writers' lock only.</param>
    Task<AuditHead> AppendAsync(AuditEvent auditEvent, AuditFlush flush, CancellationToken cancellationToken);
}
