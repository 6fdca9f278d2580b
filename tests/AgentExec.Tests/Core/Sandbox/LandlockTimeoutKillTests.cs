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
}
