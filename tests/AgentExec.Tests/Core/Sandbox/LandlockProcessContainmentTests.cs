using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text;
using AgentExec.Core.Execution;
using AgentExec.Tests.Core.Execution;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// No process left behind: whatever a command starts — in the background, double-forked, in a new session — is gone
/// when the run ends, whether it exited, timed out or was cancelled. Each stray process carries a unique marker as its
/// argv[0] (<c>exec -a</c>), and the whole of <c>/proc/*/cmdline</c> is searched for it afterwards.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LandlockProcessContainmentTests : IDisposable
{
    private static readonly TimeSpan KillIsDelivered = TimeSpan.FromSeconds(5);

    private readonly LandlockScenario _scenario = new();
    private readonly string _marker = $"agentexec-stray-{Guid.NewGuid():N}";

    public void Dispose()
    {
        foreach (var pid in ProcessesWithMarker())
        {
            ProcessTable.KillQuietly(pid);
        }

        _scenario.Dispose();
    }

    [LandlockFact]
    public async Task A_double_forked_setsid_process_is_killed_when_the_command_times_out()
    {
        // Arrange: the subshell exits at once, so the sleep is an orphan in a session of its own.
        var script = $"(setsid bash -c 'exec -a {_marker} sleep 300' &); (exec -a {_marker} sleep 300 &); echo started; sleep 300";
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await _scenario.RunAsync(script, timeout: TimeSpan.FromSeconds(2));

        // Assert
        Assert.Equal((ExecutionOutcome.TimedOut, "started\n"), (result.Outcome, result.Stdout.Text));
        Assert.True(MarkedProcessesDieWithin(KillIsDelivered), $"Still running after the timeout: {string.Join(", ", ProcessesWithMarker())}.");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"Took {stopwatch.Elapsed}.");
    }

    [LandlockFact]
    public async Task Background_processes_are_killed_when_the_command_exits()
    {
        // Arrange: bash exits at once with its own code; everything it started would otherwise live on.
        var script = $"(setsid bash -c 'exec -a {_marker} sleep 300' &); (exec -a {_marker} sleep 300 &); nohup bash -c 'exec -a {_marker} sleep 300' >/dev/null 2>&1 & exit 3";

        // Act
        var result = await _scenario.RunAsync(script);

        // Assert
        Assert.Equal((ExecutionOutcome.Exited, (int?)3), (result.Outcome, result.ExitCode));
        Assert.True(MarkedProcessesDieWithin(KillIsDelivered), $"Still running after the command exited: {string.Join(", ", ProcessesWithMarker())}.");
    }

    [LandlockFact]
    public async Task A_cancelled_call_kills_everything_the_command_started()
    {
        // Arrange: cancel once the stray processes are up, as the command reports.
        using var cancellation = new CancellationTokenSource();
        var observer = new RecordingOutputObserver(onFirstStdout: cancellation.Cancel);
        var script = $"(setsid bash -c 'exec -a {_marker} sleep 300' &); sleep 0.2; echo ready; sleep 300";

        // Act
        var result = await _scenario.RunAsync(script, observer: observer, cancellationToken: cancellation.Token);

        // Assert
        Assert.Equal(ExecutionOutcome.Cancelled, result.Outcome);
        Assert.True(MarkedProcessesDieWithin(KillIsDelivered), $"Still running after the cancellation: {string.Join(", ", ProcessesWithMarker())}.");
    }

    [LandlockFact]
    public async Task A_stray_process_that_ignores_sigterm_and_stops_itself_is_still_killed()
    {
        // Arrange: a stray that makes itself hard to end by ordinary means.
        var script = $"(setsid bash -c 'trap \"\" TERM HUP INT; exec -a {_marker} sleep 300' &); (bash -c 'kill -STOP $$; exec -a {_marker} sleep 300' &); sleep 0.2";

        // Act
        var result = await _scenario.RunAsync(script);

        // Assert
        Assert.Equal(ExecutionOutcome.Exited, result.Outcome);
        Assert.True(MarkedProcessesDieWithin(KillIsDelivered), $"Still running: {string.Join(", ", ProcessesWithMarker())}.");
    }

    private bool MarkedProcessesDieWithin(TimeSpan within)
    {
        // SIGKILL is delivered asynchronously by the kernel; this waits for the operating system, not for our code.
        var deadline = DateTime.UtcNow + within;
        while (ProcessesWithMarker().Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    private List<int> ProcessesWithMarker()
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(directory, "cmdline")));
                if (commandLine.Contains(_marker, StringComparison.Ordinal) && ProcessTable.IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }

        return found;
    }
}
