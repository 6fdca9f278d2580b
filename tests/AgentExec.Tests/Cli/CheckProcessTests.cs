using System.Text.Json;
using AgentExec.Tests.EndToEnd;
using AgentExec.Tests.TestSupport;

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
    public async Task Git_status_in_a_repository_that_includes_a_file_through_proc_self_cwd_is_not_known_safe()
    {
        // git follows /proc/self/cwd in its own process, at the top of the work tree, where evil.cfg names a program;
        // agentexec, started in src/, finds no evil.cfg in its own working directory.
        using var agentexec = new AgentExecProcess();
        HostCommand.Git(agentexec.Workspace, "init", "-q", ".");
        var src = Directory.CreateDirectory(Path.Join(agentexec.Workspace, "src")).FullName;
        File.WriteAllText(Path.Join(agentexec.Workspace, "evil.cfg"), "[core]\n\tfsmonitor = touch PWNED\n");
        File.AppendAllText(Path.Join(agentexec.Workspace, ".git", "config"), "[include]\n\tpath = /proc/self/cwd/evil.cfg\n");

        var result = await agentexec.RunAsync(
            ["check", "--json", "--workspace", agentexec.Workspace, "--approval-policy", "untrusted", "--", "git", "status"],
            workingDirectory: src);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("ask", json.RootElement.GetProperty("decision").GetString());
        var part = Assert.Single(json.RootElement.GetProperty("evaluation").GetProperty("parts").EnumerateArray());
        Assert.NotEqual("known_safe", part.GetProperty("verdict").GetString());
        Assert.Contains("goes through /proc", part.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("on-failure", "workspace-write", "decision: ask: a human must approve it first; then it runs in the workspace-write sandbox; if the sandbox blocks it, a human is asked whether to retry it with no sandbox", "rm", "-rf", "build")]
    [InlineData("on-request", "workspace-write", "decision: run: no question; it runs in the workspace-write sandbox\n", "make", "test")]
    [InlineData("on-failure", "danger-full-access", "decision: run: no question; it runs with no sandbox\n", "make", "test")]
    [InlineData("never", "read-only", "decision: forbidden: denied without a question, because it would need a human's approval and the policy is never (policy_never)", "rm", "-rf", "build")]
    public async Task Check_says_in_words_who_decides_and_where_it_runs(string policy, string sandbox, string expected, params string[] command)
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["check", "--approval-policy", policy, "--sandbox", sandbox, "--", .. command]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_option_cluster_is_judged_in_a_fraction_of_a_second_and_still_names_the_credential_at_its_end()
    {
        // Arrange: every suffix of "-aaa…f.env" is a path the attached value could be; there were once 30,000 of them,
        // each checked on disk, and one such line took minutes. The cluster's tail must still be found.
        using var agentexec = new AgentExecProcess();
        var cluster = "-" + new string('a', 20_000) + "f.env";
        var innocent = "-" + new string('a', 20_000);

        // Act
        var named = await agentexec.RunAsync(["check", "--sandbox", "danger-full-access", "--", "cat", cluster]);
        var control = await agentexec.RunAsync(["check", "--sandbox", "danger-full-access", "--", "cat", innocent]);

        // Assert
        Assert.Contains("could read the credential location .env", named.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("could read the credential location", control.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Past_the_bound_on_path_spellings_a_command_counts_as_a_credential_read()
    {
        // Arrange: six clusters of 250 letters, each component short enough to open: 1,500 spellings, past the bound.
        using var agentexec = new AgentExecProcess();
        var clusters = Enumerable.Repeat("-" + new string('b', 250), 6).ToArray();

        // Act
        var many = await agentexec.RunAsync(["check", "--sandbox", "danger-full-access", "--", "cat", .. clusters]);
        var few = await agentexec.RunAsync(["check", "--sandbox", "danger-full-access", "--", "cat", clusters[0]]);

        // Assert: the stricter answer past the bound; the control below it names nothing.
        Assert.Contains("too many to check", many.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("could read the credential location", few.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("workspace-write", "run_sandboxed", "timeout 5 npm test")]
    [InlineData("workspace-write", "run_sandboxed", "git --no-pager log -1")]
    [InlineData("workspace-write", "ask", "env GIT_EXTERNAL_DIFF=./x git log -p")]
    [InlineData("workspace-write", "ask", "GIT_EXTERNAL_DIFF=./x git log -p --ext-diff -1")]
    [InlineData("workspace-write", "ask", "git -c diff.external=./x log -p --ext-diff -1")]
    [InlineData("workspace-write", "ask", "env -C /tmp npm test")]
    [InlineData("danger-full-access", "ask", "sudo npm test")]
    public async Task An_allow_rule_in_the_user_config_covers_the_program_it_names_not_what_surrounds_it(string sandbox, string decision, string line)
    {
        // The config lies outside the workspace, where its allow rules count.
        using var agentexec = new AgentExecProcess();
        var config = Path.Join(agentexec.Home, "rules.json");
        File.WriteAllText(config, """{"rules":[{"pattern":["git","log"],"decision":"allow"},{"pattern":["npm","test"],"decision":"allow"}]}""");

        var result = await agentexec.RunAsync(["check", "--json", "--config", config, "--approval-policy", "untrusted", "--sandbox", sandbox, "--", "bash", "-c", line]);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(decision, json.RootElement.GetProperty("decision").GetString());
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
