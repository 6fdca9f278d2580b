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
    public async Task Agentexec_run_warns_about_a_directory_git_takes_for_a_bare_repository()
    {
        // Arrange: no .git anywhere. A directory holding HEAD, objects/ and refs/ is a git directory to git, and
        // core.worktree gives it a work tree, so git -C sub status on the host runs its core.fsmonitor.
        using var agentexec = new AgentExecProcess();
        File.WriteAllText(Path.Combine(agentexec.Workspace, "bare.sh"), BareShapedRepository("sub") + "echo made\n");

        // Act
        var result = await agentexec.RunAsync(Run(agentexec, "bare.sh"));

        // Assert: reported on stderr and in the audit log.
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("made\n", result.StandardOutput);
        Assert.Contains("sub (new repository): config sets core.fsmonitor", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("\"repository_changes\":", File.ReadAllText(agentexec.AuditLog), StringComparison.Ordinal);

        // Positive control: the planted directory really is a repository whose fsmonitor the human's git runs.
        HostCommand.Run(Path.Combine(agentexec.Workspace, "sub"), "git", "status");
        Assert.True(File.Exists(Path.Combine(agentexec.Workspace, "sub", "FSMONITOR-RAN")));
    }

    [BubblewrapFact]
    public async Task Agentexec_run_warns_when_the_workspace_itself_is_made_a_bare_repository()
    {
        // Arrange: the workspace is not a repository; its .git placeholder keeps .git out, but HEAD, objects/, refs/
        // and config written into the workspace itself make git status there take the workspace for a git directory.
        using var agentexec = new AgentExecProcess();
        File.WriteAllText(Path.Combine(agentexec.Workspace, "bare.sh"), BareShapedRepository(".") + "echo made\n");

        // Act
        var result = await agentexec.RunAsync(Run(agentexec, "bare.sh"));

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains(". (new repository): config sets core.fsmonitor", result.StandardError, StringComparison.Ordinal);

        // Positive control: the human's git status in the workspace runs the planted fsmonitor.
        HostCommand.Run(agentexec.Workspace, "git", "status");
        Assert.True(File.Exists(Path.Combine(agentexec.Workspace, "FSMONITOR-RAN")));
    }

    /// <summary>A script that makes <paramref name="directory"/> a bare-shaped git directory with a work tree and an fsmonitor.</summary>
    internal static string BareShapedRepository(string directory) =>
        $"mkdir -p {directory}/objects {directory}/refs/heads && echo 'ref: refs/heads/main' > {directory}/HEAD && "
        + $"printf '[core]\\n\\trepositoryformatversion = 0\\n\\tbare = false\\n\\tworktree = .\\n\\tfsmonitor = \"touch FSMONITOR-RAN; false\"\\n' > {directory}/config && ";

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
