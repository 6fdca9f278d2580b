namespace AgentExec.Tests.TestSupport;

/// <summary>
/// A clock that moves only when the test says so. <see cref="Advance"/> fires every timer that comes due on the
/// way, in order, as often as it comes due (periodic timers included), outside the lock.
/// </summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    public ManualTimeProvider()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>A clock that starts at an ISO 8601 time.</summary>
    public static ManualTimeProvider At(string iso) => new(DateTimeOffset.Parse(iso, global::System.Globalization.CultureInfo.InvariantCulture));

    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly TaskCompletionSource _firstTimerCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nowTicks;

    /// <summary>Completes when the code under test has created its first timer.</summary>
    public Task FirstTimerCreated => _firstTimerCreated.Task;

    /// <summary>Timers created and not yet disposed.</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(timer => !timer.IsDisposed);
            }
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => NowTicks;

    public override DateTimeOffset GetUtcNow() => start.AddTicks(NowTicks);

    internal long NowTicks
    {
        get
        {
            lock (_gate)
            {
                return _nowTicks;
            }
        }
    }

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

    /// <summary>Moves the clock forward by <paramref name="by"/>, firing due timers in order.</summary>
    public void Advance(TimeSpan by)
    {
        long end;
        lock (_gate)
        {
            end = _nowTicks + by.Ticks;
        }

        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers
                    .Where(timer => timer.DueAtTicks is { } due && due <= end)
                    .MinBy(timer => timer.DueAtTicks);
                if (next is null)
                {
                    _nowTicks = end;
                    return;
                }

                _nowTicks = Math.Max(_nowTicks, next.DueAtTicks!.Value);
            }

            next.Fire();
        }
    }
}
