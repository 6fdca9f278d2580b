namespace AgentExec.Core.Execution;

/// <summary>
/// A command's timeout that stops counting while a human is being asked something about the running command (SPEC.md
/// "Network allow-list": the call's timeout is paused while the question is open), and counts on from where it stopped.
/// </summary>
/// <remarks>
/// <para>
/// The runner arms it when the process starts (<see cref="Start"/>); whoever asks takes a <see cref="Pause"/> for as long
/// as the question is open. Pauses nest: the clock runs again when the last one ends.
/// </para>
/// <para>
/// Security: the pause is what a sandboxed command provokes (by opening a connection that must be asked about), so it
/// must not be a way to run for ever. Every pause carries its own longest length (the approval timeout, which bounds
/// the question anyway) and ends by itself when that passes, even if its holder never lets go; how many questions a
/// call may put is the gate's business (<c>CallEgressGate</c> asks one at a time and stops asking once nobody answers).
/// </para>
/// </remarks>
public sealed class PausableTimeout : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly List<ITimer> _pauseBounds = [];
    private Action? _expired;
    private ITimer? _timer;
    private TimeSpan _remaining;
    private long? _runningSince;
    private int _pauses;
    private bool _started;
    private bool _fired;
    private bool _disposed;

    /// <summary>Creates a timeout on <paramref name="time"/>'s clock; it counts nothing until <see cref="Start"/>.</summary>
    public PausableTimeout(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>True while at least one pause is held.</summary>
    public bool IsPaused
    {
        get
        {
            lock (_gate)
            {
                return _pauses > 0;
            }
        }
    }

    /// <summary>
    /// Starts counting <paramref name="timeout"/> (unless paused: then from the end of the last pause) and calls
    /// <paramref name="expired"/> once when it has run out. <see cref="Timeout.InfiniteTimeSpan"/> never expires.
    /// </summary>
    /// <exception cref="InvalidOperationException">It was already started: one timeout bounds one run.</exception>
    public void Start(TimeSpan timeout, Action expired)
    {
        ArgumentNullException.ThrowIfNull(expired);
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("This timeout already bounds a run.");
            }

            _started = true;
            if (timeout == Timeout.InfiniteTimeSpan || _disposed)
            {
                return;
            }

            _expired = expired;
            _remaining = timeout;
            _timer = _time.CreateTimer(static state => ((PausableTimeout)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (_pauses == 0)
            {
                RunLocked();
            }
        }
    }

    /// <summary>
    /// Stops the clock until the returned handle is disposed, or until <paramref name="longest"/> has passed, whichever
    /// comes first (so no holder can keep it stopped for longer).
    /// </summary>
    public IDisposable Pause(TimeSpan longest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(longest, TimeSpan.Zero);
        var pause = new PauseHandle(this);
        lock (_gate)
        {
            if (_disposed || _fired)
            {
                pause.MarkReleased();
                return pause;
            }

            if (_pauses++ == 0 && _runningSince is { } since)
            {
                _remaining -= _time.GetElapsedTime(since);
                _runningSince = null;
                _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            var bound = _time.CreateTimer(static state => ((PauseHandle)state!).Dispose(), pause, longest, Timeout.InfiniteTimeSpan);
            pause.Bound = bound;
            _pauseBounds.Add(bound);
        }

        return pause;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            foreach (var bound in _pauseBounds)
            {
                bound.Dispose();
            }

            _pauseBounds.Clear();
        }
    }

    private void Resume(PauseHandle pause)
    {
        lock (_gate)
        {
            if (pause.Bound is { } bound)
            {
                _pauseBounds.Remove(bound);
                bound.Dispose();
            }

            if (_disposed || --_pauses > 0 || !_started || _timer is null || _fired)
            {
                return;
            }

            RunLocked();
        }
    }

    // Called with the lock held and no pause: counts the rest (firing at once when nothing is left).
    private void RunLocked()
    {
        _runningSince = _time.GetTimestamp();
        _timer!.Change(_remaining > TimeSpan.Zero ? _remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        Action? expired;
        lock (_gate)
        {
            // A callback can race with a pause that has just stopped the clock: only a running clock fires.
            if (_disposed || _fired || _pauses > 0 || _runningSince is not { } since)
            {
                return;
            }

            var left = _remaining - _time.GetElapsedTime(since);
            if (left > TimeSpan.Zero)
            {
                // Early by the timer's rounding: wait for the rest.
                _timer?.Change(left, Timeout.InfiniteTimeSpan);
                return;
            }

            _fired = true;
            expired = _expired;
        }

        expired?.Invoke();
    }

    /// <summary>One pause; disposing it (or its bound passing) ends it, once.</summary>
    private sealed class PauseHandle(PausableTimeout owner) : IDisposable
    {
        private int _released;

        public ITimer? Bound { get; set; }

        public void MarkReleased() => _released = 1;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Resume(this);
            }
        }
    }
}
