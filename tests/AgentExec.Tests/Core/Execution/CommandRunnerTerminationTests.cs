using System.Diagnostics;
using System.Globalization;
using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

public sealed class CommandRunnerTerminationTests
{
    // Upper bounds that only a hang can break; the tests never assert tight timings.
    private static readonly TimeSpan PromptEnough = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan KillIsDelivered = TimeSpan.FromSeconds(5);

    private readonly CommandRunner _runner = new();

    [Fact]
    public async Task A_command_that_outlives_its_timeout_is_reported_as_timed_out()
    {
        // Arrange
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("echo started; sleep 30", timeout: TimeSpan.FromMilliseconds(500)), null, CancellationToken.None);

        // Assert
        Assert.Equal((ExecutionOutcome.TimedOut, (int?)null), (result.Outcome, result.ExitCode));
        Assert.Equal("started\n", result.Stdout.Text);
        Assert.True(stopwatch.Elapsed < PromptEnough, $"Took {stopwatch.Elapsed}.");
    }

    [Fact]
    public async Task A_timeout_kills_the_whole_process_tree()
    {
        // Arrange: bash → bash → sleep, the grandchild writing its pid first. `; true` keeps the middle bash from
        // exec-ing into its last command, so there really are three levels.
        using var directory = new TemporaryDirectory();
        const string script = "bash -c 'sleep 30 & echo $! > grandchild.pid; wait; true'; true";

        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash(script, directory.Path, TimeSpan.FromSeconds(1.5)), null, CancellationToken.None);

        // Assert
        Assert.Equal(ExecutionOutcome.TimedOut, result.Outcome);
        var grandchild = ReadPid(directory.File("grandchild.pid"));
        try
        {
            Assert.True(ProcessTable.DiesWithin(grandchild, KillIsDelivered), $"The grandchild {grandchild} survived the timeout.");
        }
        finally
        {
            ProcessTable.KillQuietly(grandchild);
        }
    }

    [Fact]
    public async Task Cancelling_stops_the_command_promptly_and_kills_its_tree()
    {
        // Arrange: cancel as soon as the command says it is up, so no sleep in the test decides the timing.
        using var directory = new TemporaryDirectory();
        using var cancellation = new CancellationTokenSource();
        var observer = new RecordingOutputObserver(onFirstStdout: cancellation.Cancel);
        const string script = "sleep 30 & echo $! > child.pid; echo ready; wait";
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash(script, directory.Path), observer, cancellation.Token);

        // Assert
        Assert.Equal((ExecutionOutcome.Cancelled, (int?)null, "ready\n"), (result.Outcome, result.ExitCode, result.Stdout.Text));
        Assert.True(stopwatch.Elapsed < PromptEnough, $"Took {stopwatch.Elapsed}.");
        var child = ReadPid(directory.File("child.pid"));
        try
        {
            Assert.True(ProcessTable.DiesWithin(child, KillIsDelivered), $"The child {child} survived the cancellation.");
        }
        finally
        {
            ProcessTable.KillQuietly(child);
        }
    }

    [Fact]
    public async Task A_call_cancelled_before_the_start_runs_nothing()
    {
        // Arrange
        using var directory = new TemporaryDirectory();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("touch ran", directory.Path), null, cancellation.Token);

        // Assert
        Assert.Equal((ExecutionOutcome.Cancelled, (int?)null), (result.Outcome, result.ExitCode));
        Assert.False(File.Exists(directory.File("ran")));
    }

    [Fact]
    public async Task A_background_grandchild_holding_stdout_open_does_not_hang_the_call()
    {
        // Arrange: the background sleep inherits stdout and keeps it open long after bash exited.
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("sleep 30 & echo $! >&2; echo hi"), null, CancellationToken.None);

        // Assert
        var orphan = int.Parse(result.Stderr.Text.Trim(), CultureInfo.InvariantCulture);
        ProcessTable.KillQuietly(orphan);
        Assert.Equal((ExecutionOutcome.Exited, (int?)0, "hi\n"), (result.Outcome, result.ExitCode, result.Stdout.Text));
        Assert.True(stopwatch.Elapsed < PromptEnough, $"Took {stopwatch.Elapsed}.");
    }

    [Fact]
    public async Task A_background_grandchild_holding_stdout_open_does_not_hang_a_timed_out_call()
    {
        // Arrange: the subshell exits at once, so the sleep it started is reparented away from the tree that the kill
        // walks (and setsid leaves the session too); only the bounded drain ends the call.
        var stopwatch = Stopwatch.StartNew();
        const string script = "(setsid sleep 30 & echo $! >&2); sleep 30";

        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash(script, timeout: TimeSpan.FromMilliseconds(500)), null, CancellationToken.None);

        // Assert
        if (int.TryParse(result.Stderr.Text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var escaped))
        {
            ProcessTable.KillQuietly(escaped);
        }

        Assert.Equal(ExecutionOutcome.TimedOut, result.Outcome);
        Assert.True(stopwatch.Elapsed < PromptEnough, $"Took {stopwatch.Elapsed}.");
    }

    [Fact]
    public async Task A_command_that_ends_before_its_timeout_keeps_its_exit_code()
    {
        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("exit 7", timeout: TimeSpan.FromSeconds(5)), null, CancellationToken.None);

        // Assert
        Assert.Equal((ExecutionOutcome.Exited, (int?)7), (result.Outcome, result.ExitCode));
    }

    [Fact]
    public async Task The_timeout_runs_on_the_injected_clock_and_starts_with_the_process()
    {
        // Arrange: an hour-long timeout on a clock that only the test moves.
        var clock = new ManualTimeProvider();
        var runner = new CommandRunner(clock);
        var spec = BashSpecs.Bash("sleep 30", timeout: TimeSpan.FromHours(1));

        // Act
        var running = runner.RunAsync(spec, null, CancellationToken.None);
        await clock.FirstTimerCreated.WaitAsync(PromptEnough);
        clock.Advance(TimeSpan.FromMinutes(59));
        var stillRunning = !running.IsCompleted;
        clock.Advance(TimeSpan.FromMinutes(1));
        var result = await running.WaitAsync(PromptEnough);

        // Assert
        Assert.True(stillRunning, "The command ended before its timeout.");
        Assert.Equal(ExecutionOutcome.TimedOut, result.Outcome);
        Assert.Equal(TimeSpan.FromHours(1), result.Duration);
    }

    [Fact]
    public async Task A_timeout_after_the_command_exited_only_ends_the_wait_for_its_pipes()
    {
        // Arrange: bash exits at once with 5; its background sleep holds stdout, and the timeout passes during the
        // drain. The command was not cut short, so its exit code stands.
        const string script = "sleep 30 & echo $! >&2; exit 5";

        // Act
        // Two seconds: long enough for bash to print and exit on a loaded machine, far short of the sleep.
        var result = await _runner.RunAsync(BashSpecs.Bash(script, timeout: TimeSpan.FromSeconds(2)), null, CancellationToken.None);

        // Assert
        ProcessTable.KillQuietly(int.Parse(result.Stderr.Text.Trim(), CultureInfo.InvariantCulture));
        Assert.Equal((ExecutionOutcome.Exited, (int?)5), (result.Outcome, result.ExitCode));
    }

    private static int ReadPid(string path)
    {
        Assert.True(File.Exists(path), $"The command never wrote {path}.");
        return int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
    }
}
