using System.Collections.Concurrent;
using AgentExec.Core.Audit;

namespace AgentExec.Tests.TestSupport;

/// <summary>An in-memory audit log for pipeline tests: keeps every event, or fails every append when told to.</summary>
internal sealed class RecordingAuditLog : IAuditLog
{
    private readonly ConcurrentQueue<(AuditEvent Event, AuditFlush Flush)> _events = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _recorded = new();
    private long _seq;

    /// <summary>When set, every append throws, as an unwritable log would.</summary>
    public bool Broken { get; set; }

    /// <summary>
    /// When set, the log breaks at the first event with this name: that append and every one after it throw, as a log
    /// that failed in the middle of a call would.
    /// </summary>
    public string? BreaksAt { get; set; }

    /// <summary>When set, every event it picks fails to be written (it sees the events kept so far); the others are kept.</summary>
    public Func<AuditEvent, IReadOnlyList<string>, bool>? Refuses { get; set; }

    public IReadOnlyList<AuditEvent> Events => _events.Select(entry => entry.Event).ToArray();

    /// <summary>Each event's name with whether it had to be on disk before its append returned.</summary>
    public IReadOnlyList<(string Name, AuditFlush Flush)> Flushes => _events.Select(entry => (entry.Event.Name, entry.Flush)).ToArray();

    public IReadOnlyList<string> Names => Events.Select(e => e.Name).ToArray();

    /// <summary>Completes when an event with this name has been recorded.</summary>
    public Task WhenRecorded(string name) => Signal(name).Task;

    public Task<AuditHead> AppendAsync(AuditEvent auditEvent, AuditFlush flush, CancellationToken cancellationToken)
    {
        if (Broken || auditEvent.Name == BreaksAt || Refuses?.Invoke(auditEvent, Names) == true)
        {
            Broken |= auditEvent.Name == BreaksAt;
            throw new IOException("the audit log is broken for this test");
        }

        _events.Enqueue((auditEvent, flush));
        Signal(auditEvent.Name).TrySetResult();
        var seq = Interlocked.Increment(ref _seq);
        return Task.FromResult(new AuditHead(seq, seq.ToString("x64", System.Globalization.CultureInfo.InvariantCulture)));
    }

    private TaskCompletionSource Signal(string name) =>
        _recorded.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
