using System.Text.Json;
using AgentExec.Core.Execution.Limits;
using AgentExec.Tests.EndToEnd;

namespace AgentExec.Tests.Cli;

/// <summary>
/// With <c>limits</c> configured and no delegated cgroup v2, the real <c>agentexec</c> states the rlimit gaps at
/// start-up (stderr) and in <c>check</c> (text and JSON); with a cgroup, or without limits, it states none.
/// </summary>
public sealed class LimitCaveatProcessTests
{
    [RlimitOnlyFact]
    public async Task Check_and_start_up_state_the_rlimit_gaps_when_limits_are_configured_and_no_cgroup_holds_them()
    {
        using var agentexec = new AgentExecProcess();
        WriteUserConfig(agentexec, """{"limits": {"processes": 64, "memory_bytes": 268435456, "cpu_seconds": 30}}""");

        var json = await agentexec.RunAsync(["check", "--json", "--", "ls"]);
        var text = await agentexec.RunAsync(["check", "--", "ls"]);

        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.StandardOutput);
        var caveats = document.RootElement.GetProperty("sandbox_caveats").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Contains(caveats, c => c.StartsWith("limits are applied with rlimit, not a cgroup: ", StringComparison.Ordinal));
        Assert.Contains(
            Environment.UserName == "root"
                ? "limits.processes is not enforced: RLIMIT_NPROC never applies to root."
                : "limits.processes (RLIMIT_NPROC) counts all of the user's processes, not only the command's.",
            caveats);
        Assert.Contains(caveats, c => c.StartsWith("limits.memory_bytes (RLIMIT_AS) bounds each process's address space", StringComparison.Ordinal));
        Assert.Contains("limits.cpu_seconds (RLIMIT_CPU) bounds each process's CPU time, not the command's total.", caveats);
        Assert.Contains("caveat:   limits are applied with rlimit, not a cgroup", text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Sandbox: limits.cpu_seconds (RLIMIT_CPU)", text.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_limits_nothing_about_them_is_stated()
    {
        // The control for the test above: the same process and config file, only without limits.
        using var agentexec = new AgentExecProcess();
        WriteUserConfig(agentexec, """{"env": {"keep": []}}""");

        var result = await agentexec.RunAsync(["check", "--json", "--", "ls"]);

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.StandardOutput);
        Assert.DoesNotContain(document.RootElement.GetProperty("sandbox_caveats").EnumerateArray(), c => c.GetString()!.Contains("limits", StringComparison.Ordinal));
        Assert.DoesNotContain("limits", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_configured_limits_have_their_gap_stated()
    {
        var caveats = LimitEnforcement.Rlimit(new(null, null, 5), "no cgroup here").Caveats(runningAsRoot: false);

        Assert.Equal(
            ["limits are applied with rlimit, not a cgroup: no cgroup here.", "limits.cpu_seconds (RLIMIT_CPU) bounds each process's CPU time, not the command's total."],
            caveats);
        Assert.Empty(LimitEnforcement.Rlimit(new(null, null, null)).Caveats(runningAsRoot: true));
    }

    private static void WriteUserConfig(AgentExecProcess agentexec, string json)
    {
        var directory = Directory.CreateDirectory(Path.Combine(agentexec.Home, "config", "agentexec")).FullName;
        File.WriteAllText(Path.Combine(directory, "config.json"), json);
    }
}
