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
        var script = "orphan() { ( sleep 0.2; sleep 1.5; echo alive >> late.txt ) & }; "
            + "for i in 1 2 3 4; do ( while :; do ( orphan & ); sleep 0.01; done ) & done; wait";
        var result = await scenario.RunAsync(script, timeout: TimeSpan.FromSeconds(1.5));

        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(ExecutionOutcome.TimedOut, result.Outcome);
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
            + "( python3 -c 'import os; os.setsid()' 2>/dev/null; sleep 2.5; echo alive >> late.txt ) & "
            + "( sleep 2.5; echo alive >> late.txt ) & wait";

        var result = await scenario.RunAsync(script, timeout: TimeSpan.FromSeconds(1.5));
        await Task.Delay(TimeSpan.FromSeconds(3));

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
