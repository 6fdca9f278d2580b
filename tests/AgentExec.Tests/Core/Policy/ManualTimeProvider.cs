namespace AgentExec.Tests.Core.Policy;

/// <summary>A clock that moves only when told to, firing due timers on the caller's thread.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly List<ManualTimer> timers = [];
    private DateTimeOffset now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public int ActiveTimerCount => timers.Count(timer => !timer.IsDisposed);

    public override DateTimeOffset GetUtcNow() => now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        timers.Add(timer);
        return timer;
    }

    /// <summary>Moves the clock forward, firing each timer as often as it came due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        var end = now + by;
        while (timers.Where(timer => timer.IsDue(end)).MinBy(timer => timer.DueAt) is { } next)
        {
            now = next.DueAt!.Value;
            next.Fire();
        }

        now = end;
    }
}
