using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// The judge step (PolicyStep and its place in ExecPipeline): the evaluation is recorded before it is carried out, an
/// evaluation that cannot be recorded is not carried out, and a retry without the sandbox is judged again.
/// </summary>
public sealed class PolicyStepTests : IDisposable
{
    private static readonly ApprovalOutcome Approved = new(ApprovalDecision.Approved, ApprovalSource.User, ApprovalReason.UserApproved);

    private readonly PipelineStepScenario _scenario = new();

    public void Dispose() => _scenario.Dispose();

    [Fact]
    public void Evaluate_judges_without_recording_or_running_anything()
    {
        // Arrange
        var pipeline = _scenario.Pipeline();

        // Act
        var asking = pipeline.Evaluate(_scenario.Request(PipelineStepScenario.AskingCommand));
        var plain = pipeline.Evaluate(_scenario.Request(PipelineStepScenario.PlainCommand));

        // Assert
        Assert.Equal((PolicyVerdict.Ask, Approver.Human), (asking.Verdict, asking.First.Approver));
        Assert.Equal((PolicyVerdict.Run, Approver.Nobody), (plain.Verdict, plain.First.Approver));
        Assert.Empty(_scenario.Audit.Events);
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task The_policy_decision_is_recorded_before_the_question_and_is_the_evaluation_the_pipeline_reports()
    {
        // Arrange
        var pipeline = _scenario.Pipeline();
        var channel = ScriptedApprovalChannel.Declining();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert
        Assert.Equal(
            [AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.ElicitationSent, AuditEventNames.Answer, AuditEventNames.Denial],
            _scenario.Names);
        var evaluation = Assert.IsType<PolicyEvaluation>(result.Evaluation);
        Assert.Equal("ask", Decision(0)["verdict"]!.GetValue<string>());
        Assert.Equal(evaluation.Explanation, Decision(0)["explanation"]!.AsArray().Select(line => line!.GetValue<string>()));
        Assert.Equal(evaluation.Explanation, Assert.Single(channel.Questions).Reasons);
    }

    [Fact]
    public async Task The_policy_decision_is_recorded_before_the_command_runs()
    {
        // Arrange
        var pipeline = _scenario.Pipeline();

        // Act
        await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert
        Assert.Equal(
            [AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.ExecutionStarted, AuditEventNames.ExecutionFinished],
            _scenario.Names);
        Assert.Equal("run", Decision(0)["verdict"]!.GetValue<string>());
        Assert.True(_scenario.CommandRan);
    }

    [Fact]
    public async Task An_evaluation_that_cannot_be_recorded_is_not_carried_out()
    {
        // Arrange
        _scenario.Audit.BreaksAt = AuditEventNames.PolicyDecision;
        var pipeline = _scenario.Pipeline();
        var channel = ScriptedApprovalChannel.Approving();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert: judged (the result carries it), but neither asked nor run.
        Assert.Equal(ShellStatus.Denied, result.Status);
        Assert.Equal(ApprovalReason.AuditUnavailable, result.Approval?.Reason);
        Assert.Equal(PolicyVerdict.Ask, result.Evaluation?.Verdict);
        Assert.Equal([AuditEventNames.CallReceived], _scenario.Names);
        Assert.Equal(0, channel.Asked);
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_sandbox_denial_is_judged_again_with_its_own_policy_decision_before_the_retry_question()
    {
        // Arrange: a sandbox that refuses every command; the retry question is declined.
        var pipeline = _scenario.Pipeline(sandbox: RefusingSandbox.Selection());
        var channel = ScriptedApprovalChannel.Declining();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), channel, null, CancellationToken.None);

        // Assert: two decisions, the second the retry's, recorded before its question.
        Assert.Equal(
            [
                AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.ExecutionStarted, AuditEventNames.ExecutionFinished,
                AuditEventNames.PolicyDecision, AuditEventNames.ElicitationSent, AuditEventNames.Answer, AuditEventNames.Denial,
            ],
            _scenario.Names);
        Assert.Equal("run", Decision(0)["verdict"]!.GetValue<string>());
        Assert.Equal("ask", Decision(1)["verdict"]!.GetValue<string>());
        Assert.Equal([PolicyEvaluator.RetryExplanation], Decision(1)["explanation"]!.AsArray().Select(line => line!.GetValue<string>()));
        var question = Assert.Single(channel.Questions);
        Assert.True(question.IsRetryWithoutSandbox);
        Assert.Equal([PolicyEvaluator.RetryExplanation], question.Reasons);
        Assert.Contains(RefusingSandbox.Refusal, question.SandboxFailure, StringComparison.Ordinal);
        Assert.Equal((ShellStatus.Denied, ApprovalReason.UserDeclined, true), (result.Status, result.Approval?.Reason, result.SandboxDenied));
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task An_approved_retry_runs_the_command_without_the_sandbox()
    {
        // Arrange
        var pipeline = _scenario.Pipeline(sandbox: RefusingSandbox.Selection());
        var channel = ScriptedApprovalChannel.Approving();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), channel, null, CancellationToken.None);

        // Assert
        Assert.Equal((ShellStatus.Completed, 0, null), (result.Status, result.ExitCode, result.Sandbox));
        Assert.Equal(2, _scenario.Names.Count(name => name == AuditEventNames.PolicyDecision));
        Assert.Equal(2, _scenario.Names.Count(name => name == AuditEventNames.ExecutionStarted));
        Assert.True(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_retry_whose_policy_decision_cannot_be_recorded_is_neither_asked_nor_run()
    {
        // Arrange: the log refuses the second policy_decision only (the first is written, and so is everything else).
        var pipeline = _scenario.Pipeline(sandbox: RefusingSandbox.Selection());
        var channel = ScriptedApprovalChannel.Approving();
        _scenario.Audit.Refuses = (e, written) => e.Name == AuditEventNames.PolicyDecision && written.Contains(AuditEventNames.PolicyDecision);

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), channel, null, CancellationToken.None);

        // Assert: the sandboxed attempt's denial is recorded (the log works), the retry never asked.
        Assert.Equal(0, channel.Asked);
        Assert.Equal(ShellStatus.Denied, result.Status);
        Assert.Equal(ApprovalOutcome.DeniedByPolicy(ApprovalReason.AuditUnavailable), result.Approval);
        Assert.Equal(
            [AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.ExecutionStarted, AuditEventNames.ExecutionFinished, AuditEventNames.Denial],
            _scenario.Names);
        Assert.False(_scenario.CommandRan);
    }

    private System.Text.Json.Nodes.JsonObject Decision(int index) =>
        _scenario.Audit.Events.Where(e => e.Name == AuditEventNames.PolicyDecision).ElementAt(index).Fields;
}
