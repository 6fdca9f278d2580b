using AgentExec.Core.Audit;
using AgentExec.Core.Pipeline.AuditRecords;
using BenchmarkDotNet.Attributes;

namespace AgentExec.MicroBenchmarks;

/// <summary>
/// Appending one typed event (a <c>policy_decision</c> with its call id, as the pipeline records it) to the
/// hash-chained audit log: durably on disk, on tmpfs, and the line's serialization and hashing alone.
/// </summary>
/// <remarks>
/// Every call appends several events (SPEC.md "Audit log"), so this is on every call's path. <see cref="AppendDurably"/>
/// is the cost of an event an action waits on: lock, open, tail read, write and <c>fsync</c> on an ordinary disk
/// (/var/tmp). <see cref="AppendWithNextFlush"/> is an event that rides on the next flush (a call's arrival, a decision
/// to run): the same without the <c>fsync</c>. <see cref="AppendOnTmpfs"/> is the same call where <c>fsync</c> has nothing to flush (/dev/shm),
/// so the difference is the disk. <see cref="EncodeLine"/> and <see cref="SerializeEvent"/> are the CPU part without
/// the file.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class AuditAppendBenchmarks
{
    private const string CallId = "0f5c2d3e-7a41-4b8e-9a6f-2c1d0e9b8a7f";

    private readonly List<string> folders = [];
    private PolicyDecided record = null!;
    private JsonLinesAuditLog diskLog = null!;
    private JsonLinesAuditLog tmpfsLog = null!;
    private DateTimeOffset now;
    private long seq;

    [GlobalSetup]
    public void Setup()
    {
        // A real evaluation, so the record has the parts, rule and explanation a typical line produces.
        using (var workspace = new DecisionWorkspace())
        {
            record = PolicyDecided.From(workspace.Decide("cat README.md | grep foo"));
        }

        diskLog = Log("/var/tmp");
        tmpfsLog = Log(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath());
        now = TimeProvider.System.GetUtcNow();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var folder in folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Builds the event and appends it to a log on disk, <c>fsync</c> included.</summary>
    [Benchmark]
    public Task<AuditHead> AppendDurably() => diskLog.AppendAsync(AuditEvent.For(record, CallId), CancellationToken.None);

    /// <summary>Builds the event and appends it to a log on disk, leaving it to the next flush (<see cref="AuditFlush.WithNextFlush"/>).</summary>
    [Benchmark]
    public Task<AuditHead> AppendWithNextFlush() => diskLog.AppendAsync(AuditEvent.For(record, CallId), AuditFlush.WithNextFlush, CancellationToken.None);

    /// <summary>Builds the event and appends it to a log on tmpfs, where <c>fsync</c> has nothing to flush.</summary>
    [Benchmark]
    public Task<AuditHead> AppendOnTmpfs() => tmpfsLog.AppendAsync(AuditEvent.For(record, CallId), CancellationToken.None);

    /// <summary>Builds the event and encodes its line with the chain's hash, as an append does, without the file.</summary>
    [Benchmark]
    public string EncodeLine() =>
        AuditLineFormat.Encode(++seq, now, AuditEvent.For(record, CallId), AuditLineFormat.GenesisHash).Hash;

    /// <summary>Builds the event only: the record's source-generated serialization and the check of its field names.</summary>
    [Benchmark]
    public AuditEvent SerializeEvent() => AuditEvent.For(record, CallId);

    private JsonLinesAuditLog Log(string parent)
    {
        var folder = Directory.CreateDirectory(Path.Combine(parent, "agentexec-microbench-" + Guid.NewGuid().ToString("N"))).FullName;
        folders.Add(folder);
        var log = new JsonLinesAuditLog(Path.Combine(folder, "audit.jsonl"), TimeProvider.System);
        if (log.Prepare() is { } problem)
        {
            throw new InvalidOperationException($"The audit log cannot be prepared: {problem}");
        }

        return log;
    }
}
