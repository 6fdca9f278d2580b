using AgentExec.Tests.Oracle;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// The real process flushes the audit log exactly as often as SPEC.md requires and no more: once before the command
/// starts (its arrival and policy decision ride on that flush) and once before the result is returned. strace counts.
/// </summary>
public sealed class AuditFlushProcessTests
{
    [OracleFact]
    public async Task A_command_that_runs_costs_two_flushes_of_the_log()
    {
        using var agentexec = new AgentExecProcess();
        string[] run = ["run", "--sandbox", "danger-full-access", "--", "true"];

        // The first run creates the log, its lock file and their folder, each made durable once; count a later one.
        Assert.Equal(0, (await agentexec.RunAsync(run)).ExitCode);
        var trace = Path.Combine(agentexec.Home, "fsync.trace");
        var traced = await CliWrap.Cli.Wrap("strace")
            .WithArguments(["-f", "-qq", "-e", "trace=fsync,fdatasync,sync_file_range", "-o", trace, AgentExecProcess.ExecutablePath, .. run])
            .WithWorkingDirectory(agentexec.Workspace)
            .WithEnvironmentVariables(agentexec.Environment())
            .WithValidation(CliWrap.CommandResultValidation.None)
            .ExecuteAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.Equal(0, traced.ExitCode);
        var flushes = File.ReadAllLines(trace).Where(line => line.Contains("sync", StringComparison.Ordinal) && !line.Contains("resumed", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, flushes.Count);

        // Positive control: the log holds the four events of the call (arrival, decision, start, finish).
        var events = File.ReadAllLines(Path.Combine(agentexec.Home, "state", "agentexec", "audit.jsonl")).Skip(4).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("event").GetString()).ToList();
        Assert.Equal(["call_received", "policy_decision", "execution_started", "execution_finished"], events);
    }
}
