using System.Text.Json.Nodes;
using System.Runtime.Versioning;
using AgentExec.Core.Audit;

namespace AgentExec.Tests.Core.Audit;

/// <summary>
/// The writers' lock lives on <c>audit.jsonl.lock</c>, not on the log (issue 10, item 5): why two instances in one test
/// process are a faithful stand-in for two processes (their descriptors contend on flock), why the exclusion is needed
/// (without it the read-then-append step forks the chain), and that a lock on the log itself no longer stops anyone.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
public sealed class AuditFileLockTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_second_descriptor_in_the_same_process_cannot_take_the_lock_while_the_first_holds_it()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        var lockPath = JsonLinesAuditLog.LockPathFor(path);
        var first = AuditLockFile.AcquireExclusive(lockPath, TimeSpan.FromSeconds(5));
        using var second = PosixFileCalls.OpenForReading(lockPath);

        // Act
        var whileHeld = NonBlockingFlock.TryLockExclusive(second);
        first.Dispose();
        var afterRelease = NonBlockingFlock.TryLockExclusive(second);
        Assert.True(NonBlockingFlock.Release(second));

        // Assert
        Assert.False(whileHeld);
        Assert.True(afterRelease);
    }

    [Fact]
    public async Task A_reader_that_snapshots_the_length_waits_for_the_writer_rather_than_seeing_half_a_line()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        await AuditFileEdits.WriteEventsAsync(path, 1);
        var writer = AuditLockFile.AcquireExclusive(JsonLinesAuditLog.LockPathFor(path), TimeSpan.FromSeconds(5));

        // Act
        var snapshot = Task.Run(() => AuditFile.OpenSnapshot(path, out _));
        var completedWhileHeld = await Task.WhenAny(snapshot, Task.Delay(300)) == snapshot;
        writer.Dispose();
        using var file = await snapshot;

        // Assert
        Assert.False(completedWhileHeld);
    }

    [Fact]
    public async Task Without_the_lock_two_writers_that_read_the_same_tail_fork_the_chain()
    {
        // Arrange: the interleaving that flock rules out, played step by step.
        var path = _directory.File("audit.jsonl");
        await AuditFileEdits.WriteEventsAsync(path, 2);
        using var first = AuditFile.OpenForAppend(path);
        using var second = AuditFile.OpenForAppend(path);
        var now = DateTimeOffset.UnixEpoch;

        // Act: both read the tail, then both append after it.
        var firstTail = AuditTail.Read(first);
        var secondTail = AuditTail.Read(second);
        var (firstLine, _) = AuditLineFormat.Encode(3, now, "a", [], firstTail.LastGood!.Hash);
        first.Append([.. firstLine, (byte)'\n'], firstTail.Length, AuditFlush.BeforeReturning);
        var (secondLine, _) = AuditLineFormat.Encode(3, now, "b", [], secondTail.LastGood!.Hash);
        second.Append([.. secondLine, (byte)'\n'], secondTail.Length, AuditFlush.BeforeReturning);

        // Assert: O_APPEND kept both lines, but they claim the same seq and prev.
        Assert.Equal(4, AuditFileEdits.ReadLines(path).Count);
        var verification = AuditChainVerifier.Verify(path, null);
        Assert.Equal(new AuditDefect(4, AuditDefectKind.SeqNotConsecutive, "seq is 3, but the event before it has seq 3"), verification.Defect);
    }

    [Fact]
    public async Task An_append_waits_for_the_lock_file_instead_of_failing_or_skipping()
    {
        // Arrange: another process's writer, as a plain descriptor of the lock file holding LOCK_EX.
        var path = _directory.File("audit.jsonl");
        await AuditFileEdits.WriteEventsAsync(path, 1);
        var log = new JsonLinesAuditLog(path, TimeProvider.System);
        Assert.Null(log.Prepare());
        var lengthBefore = new FileInfo(path).Length;
        var holder = PosixFileCalls.OpenForReading(log.LockPath);
        Assert.True(NonBlockingFlock.TryLockExclusive(holder));

        // Act
        var append = Task.Run(() => log.AppendAsync(new AuditEvent(AuditEventNames.Denial, new JsonObject()), CancellationToken.None));
        var completedWhileHeld = await Task.WhenAny(append, Task.Delay(300)) == append;
        var lengthWhileHeld = new FileInfo(path).Length;
        holder.Dispose();
        var head = await append;

        // Assert
        Assert.False(completedWhileHeld);
        Assert.Equal(lengthBefore, lengthWhileHeld);
        Assert.Equal(2, head.Seq);
    }

    [Fact]
    public async Task A_lock_held_past_the_deadline_fails_the_append_instead_of_hanging()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        var log = new JsonLinesAuditLog(path, TimeProvider.System, lockTimeout: TimeSpan.FromMilliseconds(200));
        Assert.Null(log.Prepare());
        using var holder = PosixFileCalls.OpenForReading(log.LockPath);
        Assert.True(NonBlockingFlock.TryLockExclusive(holder));

        // Act
        var failure = await Assert.ThrowsAsync<IOException>(() => log.AppendAsync(new AuditEvent(AuditEventNames.Denial, new JsonObject()), CancellationToken.None));

        // Assert
        Assert.Contains("audit lock", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Fact]
    public async Task A_lock_on_the_log_itself_stops_no_writer_and_no_reader()
    {
        // Arrange: what a command that can read the log did before the lock moved.
        var path = _directory.File("audit.jsonl");
        await AuditFileEdits.WriteEventsAsync(path, 1);
        var log = new JsonLinesAuditLog(path, TimeProvider.System);
        using var squatter = PosixFileCalls.OpenForReading(path);
        Assert.True(NonBlockingFlock.TryLockExclusive(squatter));

        // Act
        var head = await log.AppendAsync(new AuditEvent(AuditEventNames.Denial, new JsonObject()), CancellationToken.None);
        var verification = AuditChainVerifier.Verify(path, null);

        // Assert
        Assert.Equal(2, head.Seq);
        Assert.Null(verification.Defect);
    }

    [Fact]
    public void Prepare_creates_the_log_and_the_lock_file_owner_only()
    {
        // Arrange
        var path = Path.Combine(_directory.Path, "state", "audit.jsonl");
        var log = new JsonLinesAuditLog(path, TimeProvider.System);

        // Act
        var problem = log.Prepare();

        // Assert
        Assert.Null(problem);
        Assert.Equal(path + ".lock", log.LockPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log.LockPath));
        Assert.Null(AuditChainVerifier.Verify(path, null).Defect);
    }
}
