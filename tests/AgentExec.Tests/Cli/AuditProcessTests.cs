using System.Text.Json;
using AgentExec.Tests.EndToEnd;

namespace AgentExec.Tests.Cli;

/// <summary>The real <c>agentexec audit</c> commands over a log written by real <c>agentexec run</c> processes.</summary>
public sealed class AuditProcessTests
{
    [Fact]
    public async Task Two_processes_appending_at_once_leave_one_valid_chain_with_nothing_lost()
    {
        using var agentexec = new AgentExecProcess();
        const int RunsPerProcess = 12;

        async Task RunManyAsync(string tag)
        {
            for (var i = 0; i < RunsPerProcess; i++)
            {
                var result = await agentexec.RunAsync(["run", "--sandbox", "danger-full-access", "--audit-log", agentexec.AuditLog, "--", "echo", $"{tag}-{i}"]);
                Assert.Equal(0, result.ExitCode);
            }
        }

        await Task.WhenAll(RunManyAsync("a"), RunManyAsync("b"));
        var verify = await agentexec.RunAsync(["audit", "verify", agentexec.AuditLog]);
        var show = await agentexec.RunAsync(["audit", "show", "--json", agentexec.AuditLog]);

        Assert.Equal(0, verify.ExitCode);
        var events = show.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(Enumerable.Range(1, events.Length).Select(n => (long)n), events.Select(e => e.GetProperty("seq").GetInt64()));
        var commands = events.Where(e => e.GetProperty("event").GetString() == "call_received").Select(e => e.GetProperty("command").GetString()).ToHashSet();
        Assert.Equal(2 * RunsPerProcess, commands.Count);
        Assert.Equal(2 * RunsPerProcess, events.Count(e => e.GetProperty("event").GetString() == "execution_finished"));
    }

    [Fact]
    public async Task Verify_names_the_first_edited_line_and_expect_head_pins_a_point_of_the_chain()
    {
        using var agentexec = new AgentExecProcess();
        await agentexec.RunAsync(["run", "--sandbox", "danger-full-access", "--audit-log", agentexec.AuditLog, "--", "echo", "one"]);
        var head = JsonDocument.Parse(File.ReadLines(agentexec.AuditLog).Last()).RootElement;
        var anchor = $"{head.GetProperty("seq").GetInt64()}:{head.GetProperty("hash").GetString()}";
        await agentexec.RunAsync(["run", "--sandbox", "danger-full-access", "--audit-log", agentexec.AuditLog, "--", "echo", "two"]);

        var grown = await agentexec.RunAsync(["audit", "verify", "--expect-head", anchor, agentexec.AuditLog]);
        var lines = File.ReadAllLines(agentexec.AuditLog);
        lines[1] = lines[1].Replace("\"echo one\"", "\"echo 1ne\"", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(agentexec.AuditLog, lines);
        var edited = await agentexec.RunAsync(["audit", "verify", agentexec.AuditLog]);
        var badHead = await agentexec.RunAsync(["audit", "verify", "--expect-head", "nonsense", agentexec.AuditLog]);

        Assert.Equal(0, grown.ExitCode);
        Assert.Equal(1, edited.ExitCode);
        Assert.Contains("line 2", edited.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, badHead.ExitCode);
    }
}
