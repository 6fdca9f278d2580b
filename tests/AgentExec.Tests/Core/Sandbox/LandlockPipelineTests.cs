using System.Runtime.Versioning;
using AgentExec.Core.Assessment;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>The Landlock backend under the real pipeline: the result names it, and the run's TMPDIR is removed.</summary>
[SupportedOSPlatform("linux")]
public sealed class LandlockPipelineTests : IDisposable
{
    private readonly LandlockScenario _scenario = new();

    public void Dispose() => _scenario.Dispose();

    [LandlockFact]
    public async Task A_sandboxed_run_reports_landlock_and_leaves_no_temporary_directory()
    {
        // Arrange
        var pipeline = Pipeline();
        var request = new ExecRequest("echo \"$TMPDIR\"; echo made > made.txt", _scenario.Workspace, TimeSpan.FromSeconds(30), null, EscalationKind.None, "call-1");

        // Act
        var result = await pipeline.ExecuteAsync(request, NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert
        Assert.Equal((ShellStatus.Completed, (int?)0, SandboxBackendKind.Landlock), (result.Status, result.ExitCode, result.Backend));
        var temporaryDirectory = result.Stdout.Text.Trim();
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "agentexec-landlock-"), temporaryDirectory, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temporaryDirectory), $"{temporaryDirectory} was left behind.");
        Assert.True(File.Exists(_scenario.InWorkspace("made.txt")));
    }

    [LandlockFact]
    public async Task A_run_the_sandbox_denied_is_reported_as_such()
    {
        // Arrange
        var pipeline = Pipeline();
        var request = new ExecRequest("touch ../sibling/planted", _scenario.Workspace, TimeSpan.FromSeconds(30), null, EscalationKind.None, "call-2");

        // Act
        var result = await pipeline.ExecuteAsync(request, NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert: under on-failure the retry question cannot be asked here, so the denial stands.
        Assert.True(result.SandboxDenied);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scenario.Sibling));
    }

    private ExecPipeline Pipeline()
    {
        var settings = PipelineFactory.Settings(_scenario.Workspace) with { Sandbox = SandboxMode.WorkspaceWrite };
        var selection = new SandboxSelection(SandboxMode.WorkspaceWrite, _scenario.Sandbox, null, LandlockSupport.Probe().CaveatsFor(SandboxMode.WorkspaceWrite));
        return new ExecPipeline(new PipelineDependencies(settings, FixedRuleSource.Empty, selection, DisabledRiskAssessor.Instance, new RecordingAuditLog(), ChildEnvironment.ReadHost()));
    }
}
