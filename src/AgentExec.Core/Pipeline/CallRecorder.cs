using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;
using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Pipeline;

/// <summary>Writes one call's events to the audit log, stamping each with the call id, and remembers the head.</summary>
internal sealed partial class CallRecorder(IAuditLog log, string callId, ILogger logger)
{
    /// <summary>The head after the last event this call wrote.</summary>
    public AuditHead? Head { get; private set; }

    /// <summary>Appends the event of <paramref name="record"/>, stamped with the call id first; false when it could not be written (the caller then fails closed).</summary>
    /// <remarks>
    /// Deliberately not cancellable: the record of a denial matters most exactly when the call is being
    /// cancelled, and a half-written line is worse than a finished one.
    /// </remarks>
    public async Task<bool> TryRecordAsync(IAuditRecord record)
    {
        try
        {
            Head = await log.AppendAsync(AuditEvent.For(record, callId), CancellationToken.None).ConfigureAwait(false);
            return true;
        }
#pragma warning disable CA1031 // Any failure to write means "not recorded", which the caller turns into a denial.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogAuditFailed(logger, exception, record.EventName);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the audit event {EventName}; the call fails closed")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string eventName);
}
