using System.Runtime.Versioning;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// Under Landlock, which cannot keep <c>.git</c> read-only, the repository watch is what tells the human (issue 10,
/// item 4): through the real pipeline and launcher, a program-naming change to the workspace's repository is reported
/// and an innocuous one is not.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LandlockRepositoryWatchTests : IDisposable
{
    private readonly LandlockScenario _scenario = new();
    private readonly RecordingAuditLog _audit = new();

    public LandlockRepositoryWatchTests() => HostCommand.Git(_scenario.Workspace, "init", "-q");

    public void Dispose() => _scenario.Dispose();

    [LandlockFact]
    public async Task An_fsmonitor_set_in_the_workspace_repository_is_reported()
    {
        // Act
        var result = await RunScriptAsync("git config core.fsmonitor 'touch FSMONITOR-RAN' && echo DONE");

        // Assert: Landlock let it through (the positive control: the change really happened) and the report names it.
        Assert.Equal((ShellStatus.Completed, "DONE\n", SandboxBackendKind.Landlock), (result.Status, result.Stdout.Text, result.Backend));
        Assert.Equal("touch FSMONITOR-RAN\n", HostCommand.Git(_scenario.Workspace, "config", "core.fsmonitor"));
        var change = Assert.Single(result.Repositories!.Changes);
        Assert.Equal((Path.Combine(_scenario.Workspace, ".git"), "config sets core.fsmonitor", false), (change.DotGit, change.What, change.NewRepository));
        Assert.Contains(".git: config sets core.fsmonitor", result.Message, StringComparison.Ordinal);
        Assert.True(Finished().Fields.ContainsKey("repository_changes"));
    }

    [LandlockFact]
    public async Task An_innocuous_config_change_is_not_reported()
    {
        // Act
        var result = await RunScriptAsync("git config user.name x && echo DONE");

        // Assert: the config did change (so the comparison had something to compare), and nothing names a program.
        Assert.Equal((ShellStatus.Completed, "DONE\n"), (result.Status, result.Stdout.Text));
        Assert.Equal("x\n", HostCommand.Git(_scenario.Workspace, "config", "user.name"));
        Assert.Null(result.Repositories);
        Assert.Null(result.Message);
        Assert.False(Finished().Fields.ContainsKey("repository_changes"));
    }

    [LandlockFact]
    public async Task A_hook_added_to_a_new_nested_repository_is_reported()
    {
        // Act
        var result = await RunScriptAsync("git init -q sub && printf '#!/bin/sh\\n' > sub/.git/hooks/pre-commit && chmod +x sub/.git/hooks/pre-commit && echo DONE");

        // Assert: git init's own *.sample hooks are not reported; the real one is.
        Assert.Equal((ShellStatus.Completed, "DONE\n"), (result.Status, result.Stdout.Text));
        var change = Assert.Single(result.Repositories!.Changes);
        Assert.Equal(("hook pre-commit added", true), (change.What, change.NewRepository));
    }

    [LandlockFact]
    public async Task A_bare_shaped_directory_with_an_fsmonitor_is_reported()
    {
        // Act: no .git; HEAD, objects/, refs/ and a config with core.worktree make sub a repository to git.
        var result = await RunScriptAsync(EndToEnd.RepositoryReportProcessTests.BareShapedRepository("sub") + "echo DONE");

        // Assert
        Assert.Equal((ShellStatus.Completed, "DONE\n"), (result.Status, result.Stdout.Text));
        var change = Assert.Single(result.Repositories!.Changes);
        Assert.Equal((_scenario.InWorkspace("sub"), "config sets core.fsmonitor", true), (change.DotGit, change.What, change.NewRepository));

        // Positive control: the human's git -C sub status runs the planted fsmonitor.
        HostCommand.Run(_scenario.InWorkspace("sub"), "git", "status");
        Assert.True(File.Exists(_scenario.InWorkspace("sub/FSMONITOR-RAN")));
    }

    [LandlockFact]
    public async Task A_hook_too_large_to_hash_rewritten_with_its_length_and_time_restored_is_reported()
    {
        // Arrange: a hook past the snapshot's hashing bound (1 MiB), which a command rewrote and then put back its
        // length and modification time.
        var hook = _scenario.InWorkspace(".git/hooks/pre-commit");
        File.WriteAllText(hook, "#!/bin/sh\n" + new string('#', 1_100_000) + "\necho benign______\n");
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var rewrite = "t=$(stat -c %y .git/hooks/pre-commit) && sed -i 's/^echo benign______$/touch HOOK-RAN-XY/' .git/hooks/pre-commit && touch -d \"$t\" .git/hooks/pre-commit && echo DONE";

        // Act
        var result = await RunScriptAsync(rewrite);

        // Assert: positive control, the content really changed with the same length, and the human's commit runs it.
        Assert.Equal((ShellStatus.Completed, "DONE\n"), (result.Status, result.Stdout.Text));
        Assert.Equal(1_100_000 + 29, new FileInfo(hook).Length);
        HostCommand.Git(_scenario.Workspace, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x");
        Assert.True(File.Exists(_scenario.InWorkspace("HOOK-RAN-XY")));
        var change = Assert.Single(result.Repositories!.Changes);
        Assert.Equal("hook pre-commit changed", change.What);
    }

    private async Task<ShellResult> RunScriptAsync(string script)
    {
        File.WriteAllText(_scenario.InWorkspace("probe.sh"), script);
        var settings = PipelineFactory.Settings(_scenario.Workspace) with { Sandbox = SandboxMode.WorkspaceWrite };
        var selection = new SandboxSelection(SandboxMode.WorkspaceWrite, _scenario.Sandbox, null, LandlockSupport.Probe().CaveatsFor(SandboxMode.WorkspaceWrite));
        var pipeline = new ExecPipeline(new PipelineDependencies(settings, FixedRuleSource.Empty, selection, DisabledRiskAssessor.Instance, _audit, ChildEnvironment.ReadHost()));
        var request = new ExecRequest("bash probe.sh", _scenario.Workspace, TimeSpan.FromSeconds(30), null, EscalationKind.None, "call-1");
        return await pipeline.ExecuteAsync(request, NobodyToAsk.Instance, null, CancellationToken.None);
    }

    private AuditEvent Finished() => _audit.Events.Single(e => e.Name == AuditEventNames.ExecutionFinished);
}
