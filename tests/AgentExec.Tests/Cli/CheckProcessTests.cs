using System.Text.Json;
using AgentExec.Tests.EndToEnd;

namespace AgentExec.Tests.Cli;

/// <summary><c>agentexec check --json</c> through the real process, for a table of commands.</summary>
public sealed class CheckProcessTests
{
    [Theory]
    [InlineData("on-failure", "ask", "dangerous", "rm", "-rf", "build")]
    [InlineData("on-failure", "run_sandboxed", "ordinary", "make", "test")]
    [InlineData("untrusted", "ask", "ordinary", "make", "test")]
    [InlineData("untrusted", "run_sandboxed", "known_safe", "ls", "-la")]
    [InlineData("never", "forbidden", "dangerous", "rm", "-rf", "build")]
    [InlineData("on-request", "ask", "dangerous", "git", "reset", "--hard")]
    [InlineData("untrusted", "ask", "dangerous", "bash", "-c", "ls && rm -rf x")]
    [InlineData("untrusted", "ask", "ordinary", "bash", "-c", "echo $(rm x)")]
    [InlineData("on-failure", "ask", "dangerous", "bash", "-c", "echo $(rm -rf x)")]
    [InlineData("untrusted", "ask", "ordinary", "bash", "-c", "cat a > b")]
    [InlineData("untrusted", "ask", "dangerous", "find", ".", "-delete")]
    [InlineData("untrusted", "ask", "ordinary", "sed", "-i", "s/a/b/", "f")]
    [InlineData("untrusted", "run_sandboxed", "known_safe", "git", "status")]
    public async Task Check_json_reports_the_decision_and_the_strictest_part(string policy, string decision, string strictestVerdict, params string[] command)
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["check", "--json", "--approval-policy", policy, "--", .. command]);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(decision, root.GetProperty("decision").GetString());
        var verdicts = root.GetProperty("evaluation").GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("verdict").GetString()).ToArray();
        Assert.Contains(strictestVerdict, verdicts);
        Assert.NotEmpty(root.GetProperty("evaluation").GetProperty("explanation").EnumerateArray());
    }

    [Fact]
    public async Task Check_runs_nothing()
    {
        using var agentexec = new AgentExecProcess();
        var witness = Path.Combine(agentexec.Workspace, "ran");

        var result = await agentexec.RunAsync(["check", "--sandbox", "danger-full-access", "--", "touch", witness]);

        Assert.Equal(0, result.ExitCode);
        Assert.False(File.Exists(witness));
    }
}
