using System.Diagnostics;

namespace AgentExec.Core.Execution;

/// <summary>
/// The moving parts of one running command: its timeout, the kill switch handed to CliWrap, and the drain deadline
/// that stops waiting for pipes once the command itself is gone.
/// </summary>
/// <remarks>
/// Timer and cancellation callbacks race with the process's exit and with the end of the attempt, so every state
/// change happens under one lock, and once <see cref="FinishAsync"/> has begun the callbacks do nothing: a timer
/// callback may still run after its timer was disposed, and must not touch a disposed token source.
/// </remarks>
internal sealed class ExecutionAttempt : IDisposable
{
    private const int KillSignal = 9; // SIGKILL

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _drainGrace;
    private readonly CancellationTokenSource _kill = new();
    private readonly CancellationTokenSource _drainStop = new();
    private readonly PausableTimeout _timeoutClock;
    private readonly bool _ownsTimeoutClock;
    private ITimer? _drainTimer;
    private bool _exited;
    private bool _finishing;
    private int? _pid;

    /// <summary>Prepares an attempt whose timeout starts when the process starts.</summary>
    /// <param name="time">The clock for the timeout and the drain deadline.</param>
    /// <param name="timeout">How long the process may run; <see cref="Timeout.InfiniteTimeSpan"/> for no bound.</param>
    /// <param name="drainGrace">How long to keep reading pipes after the process exited.</param>
    /// <param name="timeoutClock">
    /// The clock that counts <paramref name="timeout"/>, when the caller may pause it (a question about the running
    /// command); null for one of the attempt's own, which nobody pauses. The caller disposes its own.
    /// </param>
    public ExecutionAttempt(TimeProvider time, TimeSpan timeout, TimeSpan drainGrace, PausableTimeout? timeoutClock = null)
    {
        _time = time;
        _timeout = timeout;
        _drainGrace = drainGrace;
        _ownsTimeoutClock = timeoutClock is null;
        _timeoutClock = timeoutClock ?? new PausableTimeout(time);
    }

    /// <summary>Cancelled to make CliWrap kill the process tree.</summary>
    public CancellationToken KillToken => _kill.Token;

    /// <summary>Cancelled when the pipe readers should stop waiting for end-of-file.</summary>
    public CancellationToken DrainStopToken => _drainStop.Token;

    /// <summary>How the attempt ended: <see cref="ExecutionOutcome.Exited"/> unless a timeout or the caller stopped the process first.</summary>
    public ExecutionOutcome Outcome { get; private set; } = ExecutionOutcome.Exited;

    /// <summary>True when the process was killed (or a kill was requested) by a timeout or the caller.</summary>
    public bool KillRequested => Outcome != ExecutionOutcome.Exited;

    /// <summary>Starts the timeout and watches for the process's exit; called right after the process started.</summary>
    public void OnStarted(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        lock (_gate)
        {
            _pid = process.Id;
        }

        _timeoutClock.Start(_timeout, () => Stop(ExecutionOutcome.TimedOut));

        // Process.WaitForExitAsync checks HasExited after subscribing, so a process that is already gone still counts.
        process.WaitForExitAsync(CancellationToken.None).ContinueWith(
            static (_, state) => ((ExecutionAttempt)state!).OnExited(),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Ends the attempt early for <paramref name="reason"/>: kills the process tree if the process is still running,
    /// else only stops waiting for its pipes (the exit code stands).
    /// </summary>
    public void Stop(ExecutionOutcome reason)
    {
        lock (_gate)
        {
            if (_finishing)
            {
                return;
            }

            if (_exited)
            {
                // The command finished by itself; whatever still holds its pipes is no longer its tree to kill.
                _drainStop.Cancel();
                return;
            }

            if (KillRequested)
            {
                return;
            }

            Outcome = reason;
            if (_pid is { } pid && OperatingSystem.IsLinux())
            {
                // The process group the process leads, at once: the Landlock launcher leads one that its command cannot
                // leave, and a tree that keeps forking outruns the walk of CliWrap's tree kill below (an attack kept
                // processes writing after the call reported them killed). A process that leads no group has none by
                // its pid (a pid is not reused while a group of that number exists): ESRCH, and the walk does the rest.
                _ = Libc.Kill(-pid, KillSignal);
            }

            _kill.Cancel();
        }
    }

    /// <summary>Stops the pipe readers and waits (briefly) until they have let go of the buffers.</summary>
    public async Task FinishAsync(params Task[] readers)
    {
        lock (_gate)
        {
            _drainStop.Cancel();
            _finishing = true;
        }

        try
        {
            // The readers honour the drain-stop token, so this normally returns at once; the bound only matters if a
            // read ignores cancellation, and then the snapshot is taken under the reader's lock anyway. It is a guard
            // against the runtime rather than part of the attempt's timing, hence the real clock.
            await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _finishing = true;
        }

        if (_ownsTimeoutClock)
        {
            _timeoutClock.Dispose();
        }

        _drainTimer?.Dispose();
        _kill.Dispose();
        _drainStop.Dispose();
    }

    private void OnExited()
    {
        lock (_gate)
        {
            if (_finishing || _exited)
            {
                return;
            }

            _exited = true;

            // A process that led a group leaves its group behind when it ends, however it ended: the Landlock launcher
            // kills what its command started before it exits, but a launcher that died (an attack broke it by setting its
            // limits) leaves the rest running. Nothing of such a group may outlive the call; the group of a process that
            // led none, or that is empty, does not exist (ESRCH), and its number is not reused while members remain.
            if (_pid is { } pid && OperatingSystem.IsLinux())
            {
                _ = Libc.Kill(-pid, KillSignal);
            }

            _drainTimer = _time.CreateTimer(
                static state => ((ExecutionAttempt)state!).OnDrainDeadline(),
                this,
                _drainGrace,
                Timeout.InfiniteTimeSpan);
        }
    }

    private void OnDrainDeadline()
    {
        lock (_gate)
        {
            if (!_finishing)
            {
                _drainStop.Cancel();
            }
        }
    }
}
