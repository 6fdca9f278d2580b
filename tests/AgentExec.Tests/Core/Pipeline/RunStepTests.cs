using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// The run step (RunStep): an attempt starts only when its start is recorded and the call is still wanted, runs where
/// the evaluation says, and its end is recorded — or the result says it could not be.
/// </summary>
public sealed class RunStepTests : IDisposable
{
    // Runs on the policy's own say, leaves the witness and ends with a code of its own.
    private const string ExitingCommand = "touch ran.txt; exit 3";

    private readonly PipelineStepScenario _scenario = new();

    public void Dispose() => _scenario.Dispose();

    [Fact]
    public async Task A_command_that_ran_is_recorded_as_started_then_finished_with_its_outcome_and_exit_code()
    {
        // Arrange
        var pipeline = _scenario.Pipeline();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(ExitingCommand), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert
        Assert.Equal((ShellStatus.Completed, 3, null), (result.Status, result.ExitCode, result.Message));
        Assert.True(_scenario.CommandRan);
        Assert.Equal([AuditEventNames.ExecutionStarted, AuditEventNames.ExecutionFinished], _scenario.Names.Skip(2));
        Assert.Equal(("none", "none"), (_scenario.Field(AuditEventNames.ExecutionStarted, "sandbox"), _scenario.Field(AuditEventNames.ExecutionStarted, "sandbox_backend")));
        var finished = _scenario.Event(AuditEventNames.ExecutionFinished);
        Assert.Equal(("completed", 3, false), (finished["outcome"]!.GetValue<string>(), finished["exit_code"]!.GetValue<int>(), finished["sandbox_denied"]!.GetValue<bool>()));
        Assert.Equal(4, result.AuditHead?.Seq);
    }

    [Fact]
    public async Task A_call_cancelled_before_its_command_starts_is_denied_and_nothing_runs()
    {
        // Arrange
        var pipeline = _scenario.Pipeline();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), NobodyToAsk.Instance, null, cancellation.Token);

        // Assert
        Assert.Equal(ShellStatus.Denied, result.Status);
        Assert.Equal(ApprovalOutcome.DeniedByChannel(ApprovalReason.CallCancelled), result.Approval);
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.Denial], _scenario.Names);
        Assert.Equal("call_cancelled", _scenario.Field(AuditEventNames.Denial, "reason"));
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_command_whose_start_cannot_be_recorded_does_not_run()
    {
        // Arrange
        _scenario.Audit.BreaksAt = AuditEventNames.ExecutionStarted;
        var pipeline = _scenario.Pipeline();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert
        Assert.Equal(ShellStatus.Denied, result.Status);
        Assert.Equal(ApprovalOutcome.DeniedByPolicy(ApprovalReason.AuditUnavailable), result.Approval);
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_command_whose_end_cannot_be_recorded_has_run_and_its_result_says_the_end_is_unrecorded()
    {
        // Arrange
        _scenario.Audit.BreaksAt = AuditEventNames.ExecutionFinished;
        var pipeline = _scenario.Pipeline();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(ExitingCommand), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert: it ran and cannot be unrun; its start is the last event; the agent hears what the log lacks.
        Assert.True(_scenario.CommandRan);
        Assert.Equal((ShellStatus.Completed, 3), (result.Status, result.ExitCode));
        Assert.Equal(Denials.FinishUnrecorded, result.Message);
        Assert.Equal(AuditEventNames.ExecutionStarted, _scenario.Names[^1]);
        Assert.Equal(3, result.AuditHead?.Seq);
    }

    [Fact]
    public async Task A_sandboxed_attempt_with_no_sandbox_available_fails_to_start_and_nothing_runs()
    {
        // Arrange: workspace-write, but no backend on this "machine".
        var pipeline = _scenario.Pipeline(sandbox: new SandboxSelection(SandboxMode.WorkspaceWrite, null, "no sandbox backend for this test", []));

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert
        Assert.Equal((ShellStatus.FailedToStart, "no sandbox backend for this test"), (result.Status, result.Message));
        Assert.Equal(ApprovalOutcome.DeniedByPolicy(ApprovalReason.SandboxUnavailable), result.Approval);
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.Denial], _scenario.Names);
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_sandboxed_attempt_runs_in_the_sandbox_and_reports_it()
    {
        // Arrange: a sandbox that refuses; nobody can approve the retry, so the refused attempt is what is reported.
        var sandbox = RefusingSandbox.Selection();
        var pipeline = _scenario.Pipeline(sandbox: sandbox);

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert
        Assert.Equal(1, ((RefusingSandbox)sandbox.Sandbox!).Wrapped);
        Assert.Equal((SandboxMode.WorkspaceWrite, SandboxBackendKind.Landlock, true), (result.Sandbox, result.Backend, result.SandboxDenied));
        Assert.Equal(("workspace-write", "landlock"), (_scenario.Field(AuditEventNames.ExecutionStarted, "sandbox"), _scenario.Field(AuditEventNames.ExecutionStarted, "sandbox_backend")));
        Assert.True(_scenario.Event(AuditEventNames.ExecutionFinished)["sandbox_denied"]!.GetValue<bool>());
        Assert.Contains(RefusingSandbox.Refusal, result.Stderr.Text, StringComparison.Ordinal);
        Assert.Equal(ApprovalReason.ClientCannotElicit, result.Approval?.Reason);
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_working_directory_replaced_by_a_link_while_the_human_decides_is_not_where_the_command_runs()
    {
        // Arrange: the human is asked about `rm -rf ./*` in build/; while they decide, another command renames build/
        // and puts a link to a directory outside the workspace in its place (a sandboxed command may write the workspace).
        var build = Directory.CreateDirectory(Path.Combine(_scenario.Workspace, "build")).FullName;
        using var outside = new TemporaryDirectory();
        var precious = Path.Combine(outside.Path, "precious.txt");
        await File.WriteAllTextAsync(precious, "keep");
        var channel = new ActingChannel(() =>
        {
            Directory.Move(build, build + ".old");
            File.CreateSymbolicLink(build, outside.Path);
        });
        var pipeline = _scenario.Pipeline();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request("rm -rf ./*", build), channel, null, CancellationToken.None);

        // Assert
        Assert.True(channel.Asked);
        Assert.Equal(ShellStatus.FailedToStart, result.Status);
        Assert.Contains("no longer the directory this call was judged and asked about", result.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(precious));
        Assert.DoesNotContain(AuditEventNames.ExecutionStarted, _scenario.Names);
    }

    [Fact]
    public async Task A_command_starts_in_the_directory_it_was_asked_about()
    {
        // Arrange
        var build = Directory.CreateDirectory(Path.Combine(_scenario.Workspace, "build")).FullName;
        var channel = new ActingChannel(() => { });
        var pipeline = _scenario.Pipeline();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request("rm -rf ./* && pwd -P && pwd && touch here.txt", build), channel, null, CancellationToken.None);

        // Assert
        Assert.Equal((ShellStatus.Completed, 0), (result.Status, result.ExitCode));
        Assert.Equal($"{build}\n{build}\n", result.Stdout.Text);
        Assert.True(File.Exists(Path.Combine(build, "here.txt")));
    }

    // A channel whose human approves once, after something else has happened while they were deciding.
    private sealed class ActingChannel(Action whileDeciding) : IApprovalChannel
    {
        public bool Asked { get; private set; }

        public bool CanAsk => true;

        public ApprovalReason CannotAskReason => ApprovalReason.ClientCannotElicit;

        public string Render(ApprovalQuestion question) => ApprovalMessage.Render(question);

        public Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Asked = true;
            whileDeciding();
            return Task.FromResult(new ApprovalOutcome(ApprovalDecision.Approved, ApprovalSource.User, ApprovalReason.UserApproved));
        }
    }
}
