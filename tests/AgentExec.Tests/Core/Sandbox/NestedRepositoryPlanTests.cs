using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>The mount plan's part of issue 10: nested <c>.git</c> entries read-only, the audit lock file hidden.</summary>
public sealed class NestedRepositoryPlanTests
{
    [Fact]
    public void Every_nested_git_entry_and_the_git_directory_a_gitfile_names_is_bound_read_only()
    {
        // Arrange: a nested repository, a submodule-style gitfile pointing into it, and a folder without one.
        using var directory = new SandboxTestDirectory();
        var nestedGit = Directory.CreateDirectory(Path.Combine(directory.Workspace, "a", "b", "sub", ".git", "hooks")).Parent!.FullName;
        var modules = Directory.CreateDirectory(Path.Combine(nestedGit, "modules", "lib")).FullName;
        var gitFile = directory.WriteFile(Path.Combine("workspace", "a", "lib", ".git"), "gitdir: ../b/sub/.git/modules/lib\n");
        directory.WriteFile(Path.Combine("workspace", "plain", "file.txt"), "x");

        // Act
        var plan = BubblewrapMountPlan.Create(BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), BubblewrapMountPlanTests.HostPaths(directory.Home));
        var arguments = plan.ToArguments();

        // Assert
        Assert.True(BubblewrapMountPlanTests.IndexOf(arguments, "--ro-bind", nestedGit, nestedGit) >= 0, "The nested .git is writable.");
        Assert.True(BubblewrapMountPlanTests.IndexOf(arguments, "--ro-bind", gitFile, gitFile) >= 0, "The gitfile is writable.");
        Assert.True(BubblewrapMountPlanTests.IndexOf(arguments, "--ro-bind", modules, modules) >= 0, "The git directory the gitfile names is writable.");
        var plain = Path.Combine(directory.Workspace, "plain");
        Assert.Equal(-1, BubblewrapMountPlanTests.IndexOf(arguments, "--ro-bind", plain, plain));
    }

    [Fact]
    public void In_read_only_mode_nested_repositories_need_no_mount_of_their_own()
    {
        // Arrange
        using var directory = new SandboxTestDirectory();
        var nestedGit = Directory.CreateDirectory(Path.Combine(directory.Workspace, "sub", ".git")).FullName;

        // Act
        var arguments = BubblewrapMountPlan.Create(BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.ReadOnly), BubblewrapMountPlanTests.HostPaths(directory.Home)).ToArguments();

        // Assert: the whole workspace is read-only already.
        Assert.Equal(-1, BubblewrapMountPlanTests.IndexOf(arguments, "--ro-bind", nestedGit, nestedGit));
    }

    [Fact]
    public void The_audit_lock_file_is_hidden_like_the_log()
    {
        // Arrange
        using var directory = new SandboxTestDirectory();
        var audit = directory.WriteFile(Path.Combine("state", "audit.jsonl"), string.Empty);
        var lockFile = directory.WriteFile(Path.Combine("state", "audit.jsonl.lock"), string.Empty);
        var host = BubblewrapMountPlanTests.HostPaths(directory.Home) with { AuditLogPath = audit };

        // Act
        var arguments = BubblewrapMountPlan.Create(BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.ReadOnly), host).ToArguments();

        // Assert
        Assert.Equal(JsonLinesAuditLog.LockPathFor(audit), lockFile);
        Assert.True(BubblewrapMountPlanTests.IndexOf(arguments, "--ro-bind", "/dev/null", lockFile) >= 0, "The lock file is visible.");
        Assert.True(BubblewrapMountPlanTests.IndexOf(arguments, "--ro-bind", "/dev/null", audit) >= 0, "The audit log is visible.");
    }

    [Fact]
    public void The_scan_collects_git_entries_without_entering_them_and_says_when_it_stopped()
    {
        // Arrange
        using var directory = new TemporaryDirectory();
        Directory.CreateDirectory(directory.File("one", ".git", "modules", "x", ".git"));
        File.WriteAllText(directory.File(".git"), "gitdir: elsewhere\n");

        // Act
        var complete = CredentialScan.Run(static _ => false, [directory.Path]);
        var bounded = CredentialScan.Run(static _ => false, [directory.Path], maxDepth: 0);

        // Assert
        Assert.Equal([directory.File(".git"), directory.File("one", ".git")], complete.Repositories.Order());
        Assert.Null(complete.Incomplete);
        Assert.NotNull(bounded.Incomplete);
    }
}
