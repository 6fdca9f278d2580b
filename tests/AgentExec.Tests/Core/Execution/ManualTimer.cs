namespace AgentExec.Tests.Core.Execution;

/// <summary>A one-shot timer of <see cref="ManualTimeProvider"/> (periods are not needed by the code under test).</summary>
internal sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
{
    private const long NotDue = -1;
    private long _dueAtTicks = NotDue;

    public long? DueAtTicks => Interlocked.Read(ref _dueAtTicks) is var dueAt and not NotDue ? dueAt : null;

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Exchange(ref _dueAtTicks, dueTime == Timeout.InfiniteTimeSpan ? NotDue : clock.NowTicks() + dueTime.Ticks);
        return true;
    }

    public void Fire()
    {
        Interlocked.Exchange(ref _dueAtTicks, NotDue);
        callback(state);
    }

    public void Dispose() => Interlocked.Exchange(ref _dueAtTicks, NotDue);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
