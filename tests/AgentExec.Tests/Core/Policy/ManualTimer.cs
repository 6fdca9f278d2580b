namespace AgentExec.Tests.Core.Policy;

/// <summary>A timer of <see cref="ManualTimeProvider"/>: due at a point of its clock, fired by <see cref="ManualTimeProvider.Advance"/>.</summary>
internal sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
{
    private TimeSpan period;

    public DateTimeOffset? DueAt { get; private set; }

    public bool IsDisposed { get; private set; }

    public bool IsDue(DateTimeOffset by) => !IsDisposed && DueAt is { } due && due <= by;

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        this.period = period;
        DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
        return !IsDisposed;
    }

    public void Fire()
    {
        DueAt = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : DueAt + period;
        callback(state);
    }

    public void Dispose() => IsDisposed = true;

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
