using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace AgentExec.Core.Audit;

/// <summary>The audit log as a hash-chained JSON Lines file that several processes may append to (SPEC.md "Audit log").</summary>
/// <remarks>
/// <para>
/// Each append takes an exclusive <c>flock</c> on the lock file beside the log (<see cref="LockPath"/>, never the log
/// itself: see <see cref="AuditLockFile"/>), opens the log, re-reads the last line to learn <c>seq</c> and
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
/// file with <see cref="AuditHead"/> and <c>audit verify --expect-head</c>. Waiting for the lock has a deadline
/// (<see cref="DefaultLockTimeout"/>): writers hold it only for a tail read, one write and an <c>fsync</c>, so a longer
/// wait means a stopped writer or a command holding it (possible under Landlock, which cannot hide the lock file); the
/// append then fails and the caller denies (<c>audit_unavailable</c>), never skipping the record. Writers of versions
/// before the lock file locked the log itself and do not exclude writers of this one: do not share a log between them.
/// Linux and macOS only; elsewhere every append throws.
/// </para>
/// </remarks>
[SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "SemaphoreSlim holds nothing to dispose unless AvailableWaitHandle is read, which this class never does; the lease guard is meant to stay open as long as the log is in use, and its SafeFileHandle closes it when collected.")]
public sealed class JsonLinesAuditLog : IAuditLog
{
    /// <summary>How long an append waits for the writers' lock before it fails (and the command is denied).</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lockTimeout;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // A descriptor of the log open for writing, held between appends (replaced by each append's, so it follows a log
    // that was moved or replaced). Never written through: it is there because the kernel grants a read lease
    // (fcntl F_SETLEASE) only on a file nobody has open for writing. A command under Landlock can read the log and
    // owns it, so without this it took such a lease and every append's open failed (EWOULDBLOCK, or a wait of
    // /proc/sys/fs/lease-break-time without O_NONBLOCK): other calls were denied with audit_unavailable for as long
    // as it ran. Guarded by _gate.
    private AuditFile? _leaseGuard;

    // And a descriptor of the writers' lock file, held from the first use on: the kernel grants a write lease only on a
    // file nobody else has open, and the command can open the lock file as it can the log, so with a write lease on
    // it every append's open of the lock file failed the same way. A read lease there stops no open of ours (the lock
    // file is only ever opened for reading). Guarded by _gate.
    private SafeFileHandle? _lockFileGuard;

    /// <summary>Creates a log that appends to <paramref name="path"/>, creating it (and its directory, 0700) on first use.</summary>
    /// <param name="path">The log file; it should live outside any workspace an agent can write.</param>
    /// <param name="timeProvider">The clock for <c>ts</c>.</param>
    /// <param name="lockTimeout">How long an append waits for the writers' lock; <see cref="DefaultLockTimeout"/> when null.</param>
    public JsonLinesAuditLog(string path, TimeProvider timeProvider, TimeSpan? lockTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Path = path;
        LockPath = LockPathFor(path);
        _timeProvider = timeProvider;
        _lockTimeout = lockTimeout ?? DefaultLockTimeout;
    }

    /// <summary>The file this log appends to.</summary>
    public string Path { get; }

    /// <summary>The writers' lock file beside the log (<c>audit.jsonl.lock</c>), which bubblewrap hides.</summary>
    public string LockPath { get; }

    /// <summary>The lock file that belongs to the audit log at <paramref name="auditLogPath"/>.</summary>
    public static string LockPathFor(string auditLogPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditLogPath);
        return auditLogPath + ".lock";
    }

    /// <summary>
    /// Creates the log and its lock file (0600, directories 0700) if missing, before any command runs: bubblewrap hides
    /// only what exists when a command starts, so a file created later by the first append would be visible to the
    /// commands that ran before it — and one in a writable root could have been planted by them.
    /// </summary>
    /// <returns>Null when both exist now, otherwise why not (the first append reports the same failure and denies).</returns>
    public string? Prepare()
    {
        if (!PosixFileCalls.IsSupported)
        {
            return "the audit log needs flock, available here on Linux and macOS only";
        }

        try
        {
            AuditFile.CreateOwnerOnlyWithDirectories(Path);
            AuditLockFile.Create(LockPath);

            // Before any command runs, so that none can take a lease on the log or its lock file (see _leaseGuard).
            _gate.Wait();
            try
            {
                KeepAsLeaseGuard(AuditFile.OpenForAppend(Path));
                _lockFileGuard ??= PosixFileCalls.OpenForReading(LockPath);
            }
            finally
            {
                _gate.Release();
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>Appends one event, on disk before this returns, and returns the new head.</summary>
    /// <exception cref="ArgumentException">The event has no name, is a <c>recovery</c>, or uses a reserved field name.</exception>
    /// <exception cref="IOException">The event could not be made durable.</exception>
    public Task<AuditHead> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) =>
        AppendAsync(auditEvent, AuditFlush.BeforeReturning, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The event has no name, is a <c>recovery</c>, or uses a reserved field name (<c>seq</c>, <c>ts</c>, <c>event</c>, <c>prev</c>, <c>hash</c>).</exception>
    /// <exception cref="IOException">The event could not be made durable; the caller must deny (<c>audit_unavailable</c>).</exception>
    public async Task<AuditHead> AppendAsync(AuditEvent auditEvent, AuditFlush flush, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        ArgumentException.ThrowIfNullOrEmpty(auditEvent.Name, nameof(auditEvent));
        if (auditEvent.Name == AuditEventNames.Recovery)
        {
            // Only the log itself knows what was torn; a caller-made recovery event would let it name damage that is not there.
            throw new ArgumentException("Recovery events are written by the audit log itself.", nameof(auditEvent));
        }

        foreach (var name in auditEvent.FieldNames)
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
            return AppendUnderLock(auditEvent, flush);
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

    private AuditHead AppendUnderLock(AuditEvent auditEvent, AuditFlush flush)
    {
        if (!PosixFileCalls.IsSupported)
        {
            throw new PlatformNotSupportedException("The audit log needs flock and O_APPEND, available here on Linux and macOS only.");
        }

        using var writersLock = AuditLockFile.AcquireExclusive(LockPath, _lockTimeout);
        _lockFileGuard ??= PosixFileCalls.OpenForReading(LockPath);
        var file = AuditFile.OpenForAppend(Path);
        try
        {
            var head = AppendTo(file, auditEvent, flush);
            KeepAsLeaseGuard(file);
            return head;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    // Called under _gate: the descriptor just opened becomes the guard and the previous one is closed.
    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("macos")]
    private void KeepAsLeaseGuard(AuditFile file)
    {
        var previous = _leaseGuard;
        _leaseGuard = file;
        previous?.Dispose();
    }

    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("macos")]
    private AuditHead AppendTo(AuditFile file, AuditEvent auditEvent, AuditFlush flush)
    {
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
        file.Append(bytes.WrittenSpan, tail.Length, flush);
        return head;
    }

    private static AuditHead AppendLine(ArrayBufferWriter<byte> bytes, AuditHead? previous, DateTimeOffset now, AuditEvent auditEvent)
    {
        var seq = (previous?.Seq ?? 0) + 1;
        var (line, hash) = AuditLineFormat.Encode(
            seq, now, auditEvent, previous?.Hash ?? AuditLineFormat.GenesisHash);
        bytes.Write(line);
        bytes.Write("\n"u8);
        return new AuditHead(seq, hash);
    }
}
