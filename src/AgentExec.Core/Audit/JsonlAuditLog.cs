namespace AgentExec.Core.Audit;

/// <summary>TEMPORARY stub until the audit branch lands.</summary>
public sealed class JsonlAuditLog(string path, TimeProvider timeProvider) : IAuditLog
{
    /// <summary>Stub.</summary>
    public Task<AuditHead> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        _ = path;
        _ = timeProvider;
        return Task.FromResult(new AuditHead(0, new string('0', 64)));
    }
}
