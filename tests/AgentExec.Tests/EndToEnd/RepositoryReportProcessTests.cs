namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// The terminal's part of the repository report (issue 10, item 4), through the real <c>agentexec run</c> on bubblewrap:
/// a completed command that created a repository whose config names a program gets a warning on stderr, and the
/// audit log (with its lock file beside it) records the same.
/// </summary>
public sealed class RepositoryReportProcessTests
{
    [BubblewrapFact]
    public async Task Agentexec_run_warns_on_stderr_about_a_repository_the_command_created()
    {
        // Arrange
        using var agentexec = new AgentExecProcess();
        File.WriteAllText(Path.Combine(agentexec.Workspace, "init.sh"), "mkdir new && cd new && git init -q && git config core.fsmonitor 'touch FSMONITOR-RAN' && echo made\n");

        // Act
        var result = await agentexec.RunAsync(Run(agentexec, "init.sh"));

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("made\n", result.StandardOutput);
        Assert.Contains("agentexec: Warning:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("new/.git (new repository): config sets core.fsmonitor", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("\"repository_changes\":", File.ReadAllText(agentexec.AuditLog), StringComparison.Ordinal);
        Assert.True(File.Exists(agentexec.AuditLog + ".lock"));
    }

    [BubblewrapFact]
    public async Task Control_a_command_that_touches_no_repository_gets_no_warning()
    {
        // Arrange
        using var agentexec = new AgentExecProcess();
        File.WriteAllText(Path.Combine(agentexec.Workspace, "plain.sh"), "mkdir new && echo made\n");

        // Act
        var result = await agentexec.RunAsync(Run(agentexec, "plain.sh"));

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("made\n", result.StandardOutput);
        Assert.DoesNotContain("Warning", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("repository_changes", File.ReadAllText(agentexec.AuditLog), StringComparison.Ordinal);
    }

    private static string[] Run(AgentExecProcess agentexec, string script) =>
        ["run", "--sandbox", "workspace-write", "--sandbox-backend", "bubblewrap", "--workspace", agentexec.Workspace, "--audit-log", agentexec.AuditLog, "--", "bash", script];
}
