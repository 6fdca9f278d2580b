using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace AgentExec.Core.Audit;

/// <summary>The audit log as a hash-chained JSON Lines file that several processes may append to (SPEC.md "Audit log").</summary>
/// <remarks>
/// <para>
/// Each append opens the file, takes an exclusive <c>flock</c>, re-reads the last line to learn <c>seq</c> and
/// <c>hash</c>, appends one line, <c>fsync</c>s, and closes. Opening per append costs little next to the
/// <c>fsync</c> and means a file that was moved or replaced is never written through a stale descriptor.
/// Within one process a semaphore serialises appends first, so only one thread at a time waits on the lock.
/// </para>
/// <para>
/// If the last line does not verify (a crash mid-write), the append first writes a <c>recovery</c> event naming the
/// damaged lines (number, offset, length and SHA-256), chained from the last good line, then the event.
/// </para>
/// <para>
/// Security caveats: the chain is unkeyed, so whoever can rewrite the file can recompute it; anchor it outside the
/// file with <see cref="AuditHead"/> and <c>audit verify --expect-head</c>. Waiting for the lock has no deadline:
/// writers hold it only for a tail read, one write and an <c>fsync</c>, so a stall means a writer is stopped, and a
/// stalled log is visible where a skipped record would not be. Linux and macOS only; elsewhere every append throws.
/// </para>
/// </remarks>
[SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "SemaphoreSlim holds nothing to dispose unless AvailableWaitHandle is read, which this class never does.")]
public sealed class JsonLinesAuditLog : IAuditLog
{
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates a log that appends to <paramref name="path"/>, creating it (and its directory, 0700) on first use.</summary>
    /// <param name="path">The log file; it should live outside any workspace an agent can write.</param>
    /// <param name="timeProvider">The clock for <c>ts</c>.</param>
    public JsonLinesAuditLog(string path, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Path = path;
        _timeProvider = timeProvider;
    }

    /// <summary>The file this log appends to.</summary>
    public string Path { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The event has no name, is a <c>recovery</c>, or uses a reserved field name (<c>seq</c>, <c>ts</c>, <c>event</c>, <c>prev</c>, <c>hash</c>).</exception>
    /// <exception cref="IOException">The event could not be made durable; the caller must deny (<c>audit_unavailable</c>).</exception>
    public async Task<AuditHead> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        ArgumentException.ThrowIfNullOrEmpty(auditEvent.Name, nameof(auditEvent));
        ArgumentNullException.ThrowIfNull(auditEvent.Fields, nameof(auditEvent));
        if (auditEvent.Name == AuditEventNames.Recovery)
        {
            // Only the log itself knows what was torn; a caller-made recovery event would let it name damage that is not there.
            throw new ArgumentException("Recovery events are written by the audit log itself.", nameof(auditEvent));
        }

        foreach (var (name, _) in auditEvent.Fields)
        {
            if (AuditLineFormat.IsReservedName(name))
            {
                throw new ArgumentException($"The audit log writes '{name}' itself; an event's fields may not use that name.", nameof(auditEvent));
            }
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Past this point nothing is cancelled: a half-written line is worse than a late one.
            cancellationToken.ThrowIfCancellationRequested();
            return AppendUnderLock(auditEvent);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One exception type and one message shape for every failure, so the caller can deny with
            // audit_unavailable and show the user why; the cause stays attached.
            throw new IOException($"Cannot append to the audit log '{Path}': {e.Message}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private AuditHead AppendUnderLock(AuditEvent auditEvent)
    {
        if (!PosixFileCalls.IsSupported)
        {
            throw new PlatformNotSupportedException("The audit log needs flock and O_APPEND, available here on Linux and macOS only.");
        }

        using var file = AuditFile.OpenForAppend(Path);
        file.Lock(exclusive: true);
        var tail = AuditTail.Read(file);

        var bytes = new ArrayBufferWriter<byte>();
        if (tail.NeedsNewline)
        {
            bytes.Write("\n"u8);
        }

        var head = tail.LastGood;
        var now = _timeProvider.GetUtcNow();
        if (tail.Damage is { } damage)
        {
            head = AppendLine(bytes, head, now, AuditRecovery.EventFor(damage));
        }

        head = AppendLine(bytes, head, now, auditEvent);
        file.AppendDurably(bytes.WrittenSpan, tail.Length);

        // Unlock explicitly rather than on close: a child forked by another thread may briefly share the descriptor.
        file.Unlock();
        return head;
    }

    private static AuditHead AppendLine(ArrayBufferWriter<byte> bytes, AuditHead? previous, DateTimeOffset now, AuditEvent auditEvent)
    {
        var seq = (previous?.Seq ?? 0) + 1;
        var (line, hash) = AuditLineFormat.Encode(
            seq, now, auditEvent.Name, auditEvent.Fields, previous?.Hash ?? AuditLineFormat.GenesisHash);
        bytes.Write(line);
        bytes.Write("\n"u8);
        return new AuditHead(seq, hash);
    }
}
