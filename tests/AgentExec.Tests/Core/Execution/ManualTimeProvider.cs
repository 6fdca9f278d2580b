namespace AgentExec.Tests.Core.Execution;

/// <summary>A clock that only moves when the test says so; its timers fire during <see cref="Advance"/>.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly TaskCompletionSource _firstTimerCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nowTicks;

    /// <summary>Completes when the code under test has created its first timer.</summary>
    public Task FirstTimerCreated => _firstTimerCreated.Task;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _nowTicks;
        }
    }

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        _firstTimerCreated.TrySetResult();
        return timer;
    }

    /// <summary>Moves the clock and fires every timer that came due, outside the lock.</summary>
    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _nowTicks += by.Ticks;
            due = _timers.Where(timer => timer.DueAtTicks is { } dueAt && dueAt <= _nowTicks).ToList();
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    internal long NowTicks()
    {
        lock (_gate)
        {
            return _nowTicks;
        }
    }
}
