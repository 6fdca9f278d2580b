using System.Text.Json.Nodes;
using System.Runtime.Versioning;
using AgentExec.Core.Audit;

namespace AgentExec.Tests.Core.Audit;

/// <summary>
/// Why two <see cref="JsonLinesAuditLog"/> instances in one test process are a faithful stand-in for two processes:
/// their descriptors contend on flock, and without that exclusion the read-then-append step forks the chain.
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
        using var first = AuditFile.OpenForAppend(path);
        using var second = PosixFileCalls.OpenForReading(path);

        // Act
        first.Lock(exclusive: true);
        var whileHeld = NonBlockingFlock.TryLockExclusive(second);
        first.Unlock();
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
        using var writer = AuditFile.OpenForAppend(path);
        writer.Lock(exclusive: true);
        using var probe = PosixFileCalls.OpenForReading(path);

        // Act: a shared-lock reader is shut out exactly like another writer.
        var readerCouldEnter = NonBlockingFlock.TryLockExclusive(probe);
        writer.Unlock();

        // Assert
        Assert.False(readerCouldEnter);
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
        first.AppendDurably([.. firstLine, (byte)'\n'], firstTail.Length);
        var (secondLine, _) = AuditLineFormat.Encode(3, now, "b", [], secondTail.LastGood!.Hash);
        second.AppendDurably([.. secondLine, (byte)'\n'], secondTail.Length);

        // Assert: O_APPEND kept both lines, but they claim the same seq and prev.
        Assert.Equal(4, AuditFileEdits.ReadLines(path).Count);
        var verification = AuditChainVerifier.Verify(path, null);
        Assert.Equal(new AuditDefect(4, AuditDefectKind.SeqNotConsecutive, "seq is 3, but the event before it has seq 3"), verification.Defect);
    }

    [Fact]
    public async Task An_append_waits_for_the_lock_instead_of_failing_or_skipping()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        await AuditFileEdits.WriteEventsAsync(path, 1);
        var lengthBefore = new FileInfo(path).Length;
        var log = new JsonLinesAuditLog(path, TimeProvider.System);
        var holder = AuditFile.OpenForAppend(path);
        holder.Lock(exclusive: true);

        // Act: the append blocks in flock on a pool thread; releasing the lock lets it through.
        var append = Task.Run(() => log.AppendAsync(new AuditEvent(AuditEventNames.Denial, new JsonObject()), CancellationToken.None));
        var lengthWhileHeld = new FileInfo(path).Length;
        holder.Dispose();
        var head = await append;

        // Assert
        Assert.Equal(lengthBefore, lengthWhileHeld);
        Assert.Equal(2, head.Seq);
    }

    [Fact]
    public async Task A_dotnet_file_stream_cannot_even_open_the_log_while_a_writer_holds_the_lock()
    {
        // Arrange: why the log opens its descriptors through libc. .NET takes flock(LOCK_SH | LOCK_NB) when it opens
        // a file and fails at once if another descriptor holds LOCK_EX; a second writer would be refused mid-append.
        var path = _directory.File("audit.jsonl");
        await AuditFileEdits.WriteEventsAsync(path, 1);
        using var writer = AuditFile.OpenForAppend(path);
        writer.Lock(exclusive: true);

        // Act
        var open = () => File.ReadAllBytes(path);

        // Assert
        Assert.Throws<IOException>(open);
    }
}
