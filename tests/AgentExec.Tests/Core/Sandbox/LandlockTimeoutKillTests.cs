using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// A command under the Landlock launcher that keeps making orphans when its timeout comes: nothing of it may act after
/// the call reports it killed. Found by an attack, which kept 112 processes writing to the workspace 22 s later.
/// </summary>
public sealed class LandlockTimeoutKillTests
{
    [LandlockFact]
    public async Task A_command_forking_orphans_in_a_loop_leaves_nothing_running_after_its_timeout()
    {
        using var scenario = new LandlockScenario();
        var late = scenario.InWorkspace("late.txt");

        // Each loop makes an orphan that checks, after a moment, whether the launcher still adopts it; orphans the
        // kill's walk misses go to init and write the file a little later.
        // The writes come 4 s after each orphan starts, long after the 1.5 s timeout even on a loaded machine: a write
        // before the kill would not be an escape.
        var script = "orphan() { ( sleep 0.2; sleep 4; echo alive >> late.txt ) & }; "
            + "for i in 1 2 3 4; do ( while :; do ( orphan & ); sleep 0.05; done ) & done; wait";
        var result = await scenario.RunAsync(script, timeout: TimeSpan.FromSeconds(1.5));

        await Task.Delay(TimeSpan.FromSeconds(5));

        Assert.True(result.Outcome == ExecutionOutcome.TimedOut, $"{result.Outcome}, exit {result.ExitCode}: {result.Stderr.Text}");
        Assert.False(File.Exists(late), $"{(File.Exists(late) ? File.ReadAllLines(late).Length : 0)} processes acted after the call's timeout killed its tree");
    }

    [LandlockFact]
    public async Task Processes_that_hop_to_new_pids_leave_their_group_and_wake_each_other_leave_nothing_after_the_timeout()
    {
        // Found by an attack on the earlier SIGSTOP freeze: processes that fork and exit in a loop (a new pid each time)
        // while others send SIGCONT to everything they can, and that try setsid and setpgid to leave the group.
        using var scenario = new LandlockScenario();
        var late = scenario.InWorkspace("late.txt");
        var script = "for i in 1 2; do ( while :; do kill -CONT -1 2>/dev/null; done ) & done; "
            + "hop() { setsid true; ( sleep 0.005; hop & ); }; "
            + "for i in 1 2 3; do ( hop & ) ; done; "
            + "( python3 -c 'import os; os.setsid()' 2>/dev/null; sleep 4; echo alive >> late.txt ) & "
            + "( sleep 4; echo alive >> late.txt ) & wait";

        var result = await scenario.RunAsync(script, timeout: TimeSpan.FromSeconds(1.5));
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Equal(ExecutionOutcome.TimedOut, result.Outcome);
        Assert.False(File.Exists(late), "a process acted after the call's timeout killed its group");
        Assert.Empty(StrayProcesses(scenario.Workspace));
    }

    [LandlockFact]
    public async Task A_command_that_calls_setsid_stays_in_the_launchers_process_group()
    {
        using var scenario = new LandlockScenario();

        var result = await scenario.RunAsync("ps -o pgid= -p $$; setsid sh -c 'ps -o pgid= -p $$'; echo $?");

        var lines = result.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(lines[0], lines[1]);
        Assert.Equal("0", lines[2]);
    }

    [LandlockFact]
    public async Task The_command_cannot_change_its_launchers_limits_and_a_launcher_that_dies_takes_its_group_with_it()
    {
        // Found by an attack: prlimit on the launcher (the group leader, pid = pgid) crashed it, and what the command had
        // started lived on. The limit is refused; and when the launcher dies anyway (killed here from outside), the
        // runner kills the group it led.
        using var scenario = new LandlockScenario();
        var late = scenario.InWorkspace("late.txt");
        var script = "launcher=$(ps -o pgid= -p $$ | tr -d ' '); prlimit --pid \"$launcher\" --nofile=0:0 2>/dev/null; echo \"$launcher $?\"; "
            + "( sleep 4; echo alive >> late.txt ) & sleep 30";
        var observer = new FirstLine();

        var running = scenario.RunAsync(script, timeout: TimeSpan.FromSeconds(20), observer: observer);
        var first = await observer.Line.WaitAsync(TimeSpan.FromSeconds(10));
        var fields = first.Split(' ');
        Assert.NotEqual("0", fields[1]);
        Assert.Equal(0, AgentExec.Core.Execution.Libc.Kill(int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture), 9));
        await running;
        await Task.Delay(TimeSpan.FromSeconds(5));

        Assert.False(File.Exists(late), "a process of the command acted after its launcher died");
        Assert.Empty(StrayProcesses(scenario.Workspace));
    }

    // The first line the command prints.
    private sealed class FirstLine : IOutputObserver
    {
        private readonly TaskCompletionSource<string> _line = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Text.StringBuilder _text = new();

        public Task<string> Line => _line.Task;

        public void OnStdout(ReadOnlySpan<byte> chunk)
        {
            _text.Append(System.Text.Encoding.UTF8.GetString(chunk));
            var text = _text.ToString();
            if (text.IndexOf('\n', StringComparison.Ordinal) is var end and > 0)
            {
                _line.TrySetResult(text[..end]);
            }
        }

        public void OnStderr(ReadOnlySpan<byte> chunk)
        {
        }
    }

    // Processes still running with the workspace as their working directory.
    private static List<string> StrayProcesses(string workspace) =>
        [.. Directory.EnumerateDirectories("/proc").Where(directory =>
        {
            try
            {
                return new DirectoryInfo(Path.Combine(directory, "cwd")).LinkTarget == workspace;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        })];
}
