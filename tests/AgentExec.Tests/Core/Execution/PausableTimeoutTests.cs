using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

/// <summary>
/// The command's timeout that a network question pauses (SPEC.md "Network allow-list"): it counts on from where it
/// stopped, and no pause outlasts its own bound, so the pause cannot keep a command running for ever.
/// </summary>
public sealed class PausableTimeoutTests
{
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public void It_expires_once_its_time_has_run_out()
    {
        using var timeout = new PausableTimeout(_clock);
        var expired = 0;
        timeout.Start(TimeSpan.FromSeconds(10), () => expired++);

        _clock.Advance(TimeSpan.FromSeconds(9));
        var early = expired;
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal((0, 1), (early, expired));
    }

    [Fact]
    public void Time_spent_paused_does_not_count_and_the_rest_counts_after_the_pause()
    {
        using var timeout = new PausableTimeout(_clock);
        var expired = 0;
        timeout.Start(TimeSpan.FromSeconds(10), () => expired++);

        _clock.Advance(TimeSpan.FromSeconds(4));
        var pause = timeout.Pause(TimeSpan.FromMinutes(5));
        _clock.Advance(TimeSpan.FromSeconds(60));
        var afterPause = expired;
        pause.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(5));
        var justBefore = expired;
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((0, 0, 1), (afterPause, justBefore, expired));
    }

    [Fact]
    public void A_pause_ends_by_itself_at_its_bound_even_if_its_holder_never_lets_go()
    {
        using var timeout = new PausableTimeout(_clock);
        var expired = 0;
        timeout.Start(TimeSpan.FromSeconds(10), () => expired++);

        _ = timeout.Pause(TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(39));
        var beforeBoundAndTimeout = expired;
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal((0, 1), (beforeBoundAndTimeout, expired));
        Assert.False(timeout.IsPaused);
    }

    [Fact]
    public void Nested_pauses_keep_the_clock_stopped_until_the_last_one_ends()
    {
        using var timeout = new PausableTimeout(_clock);
        var expired = 0;
        timeout.Start(TimeSpan.FromSeconds(10), () => expired++);

        var first = timeout.Pause(TimeSpan.FromMinutes(5));
        var second = timeout.Pause(TimeSpan.FromMinutes(5));
        first.Dispose();
        first.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(30));
        var whileSecondHeld = expired;
        second.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal((0, 1), (whileSecondHeld, expired));
    }

    [Fact]
    public void A_pause_taken_before_the_start_holds_the_clock_from_the_start()
    {
        using var timeout = new PausableTimeout(_clock);
        var expired = 0;
        var pause = timeout.Pause(TimeSpan.FromMinutes(5));
        timeout.Start(TimeSpan.FromSeconds(10), () => expired++);

        _clock.Advance(TimeSpan.FromSeconds(60));
        var paused = expired;
        pause.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal((0, 1), (paused, expired));
    }

    [Fact]
    public void An_infinite_timeout_never_expires_and_pauses_change_nothing()
    {
        using var timeout = new PausableTimeout(_clock);
        var expired = 0;
        timeout.Start(Timeout.InfiniteTimeSpan, () => expired++);

        timeout.Pause(TimeSpan.FromSeconds(1)).Dispose();
        _clock.Advance(TimeSpan.FromDays(30));

        Assert.Equal(0, expired);
    }

    [Fact]
    public void One_timeout_bounds_one_run()
    {
        using var timeout = new PausableTimeout(_clock);
        timeout.Start(TimeSpan.FromSeconds(1), () => { });

        Assert.Throws<InvalidOperationException>(() => timeout.Start(TimeSpan.FromSeconds(1), () => { }));
    }

    [Fact]
    public async Task The_runner_kills_a_command_whose_paused_clock_runs_out_after_the_pause()
    {
        // The real runner on the manual clock: a pause held past the timeout keeps the command alive; once it ends,
        // the rest of the timeout counts and the command is killed.
        using var timeout = new PausableTimeout(_clock);
        var runner = new CommandRunner(_clock);
        using var workspace = new TemporaryDirectory();
        var pause = timeout.Pause(TimeSpan.FromMinutes(10));
        var running = runner.RunAsync(
            new ExecutionSpec(["sleep", "30"], workspace.Path, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, TimeSpan.FromSeconds(5), 1024) { TimeoutClock = timeout },
            observer: null,
            CancellationToken.None);
        // The pause's bound is the first timer; the timeout's own, armed when the process has started, the second.
        await WaitUntilAsync(() => _clock.ActiveTimerCount >= 2);

        _clock.Advance(TimeSpan.FromSeconds(6));
        await Task.Delay(200);
        var stillRunning = !running.IsCompleted;
        pause.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(6));
        var result = await running.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.True(stillRunning, "the command was killed while its timeout was paused");
        Assert.Equal(ExecutionOutcome.TimedOut, result.Outcome);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, bound.Token);
        }
    }
}
