namespace AgentExec.Tests.TestSupport;

/// <summary>A timer of <see cref="ManualTimeProvider"/>: due at a tick of its clock, fired by <see cref="ManualTimeProvider.Advance"/>.</summary>
internal sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
{
    private readonly Lock _gate = new();
    private long? _dueAtTicks;
    private long _periodTicks;

    public long? DueAtTicks
    {
        get
        {
            lock (_gate)
            {
                return IsDisposed ? null : _dueAtTicks;
            }
        }
    }

    public bool IsDisposed { get; private set; }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            _periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            _dueAtTicks = dueTime == Timeout.InfiniteTimeSpan ? null : clock.NowTicks + dueTime.Ticks;
            return !IsDisposed;
        }
    }

    public void Fire()
    {
        lock (_gate)
        {
            _dueAtTicks = _periodTicks > 0 ? _dueAtTicks + _periodTicks : null;
        }

        callback(state);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            IsDisposed = true;
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
