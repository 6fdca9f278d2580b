using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// The ask step (ApprovalStep): who approves — nobody, a rule or a human — in SPEC.md's order, and every way the asking
/// can fail ends in a denial, not a run.
/// </summary>
public sealed class ApprovalStepTests : IDisposable
{
    private static readonly ApprovalOutcome Approved = new(ApprovalDecision.Approved, ApprovalSource.User, ApprovalReason.UserApproved);
    private static readonly ApprovalOutcome ApprovedForSession = new(ApprovalDecision.ApprovedForSession, ApprovalSource.User, ApprovalReason.UserApproved);

    private readonly PipelineStepScenario _scenario = new();

    public void Dispose() => _scenario.Dispose();

    [Fact]
    public async Task A_forbidden_rule_denies_by_the_rule_without_asking()
    {
        // Arrange: the channel would approve, if it were asked.
        var rule = new PolicyRule(["rm", "-rf"], RuleDecision.Forbidden, "never delete trees here", RuleOrigin.User);
        var pipeline = _scenario.Pipeline(rules: [rule]);
        var channel = ScriptedApprovalChannel.Approving();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert
        Assert.Equal(0, channel.Asked);
        Assert.Equal(ShellStatus.Denied, result.Status);
        Assert.Equal(new ApprovalOutcome(ApprovalDecision.Denied, ApprovalSource.Rule, ApprovalReason.RuleForbidden, Note: "never delete trees here"), result.Approval);
        Assert.Equal("A forbidden rule matches this command. Rule: never delete trees here", result.Message);
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.Denial], _scenario.Names);
        Assert.Equal(("rule_forbidden", "denied"), (_scenario.Field(AuditEventNames.Denial, "reason"), _scenario.Field(AuditEventNames.Denial, "decision")));
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task The_never_policy_denies_a_command_that_needs_a_human_by_the_policy_without_asking()
    {
        // Arrange
        var pipeline = _scenario.Pipeline(ApprovalPolicy.Never);
        var channel = ScriptedApprovalChannel.Approving();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert
        Assert.Equal(0, channel.Asked);
        Assert.Equal(ApprovalOutcome.DeniedByPolicy(ApprovalReason.PolicyNever), result.Approval);
        Assert.Equal("policy_never", _scenario.Field(AuditEventNames.Denial, "reason"));
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task An_allow_rule_approves_by_the_rule_without_asking()
    {
        // Arrange: the channel would refuse, if it were asked.
        var rule = new PolicyRule(["rm", "-rf", "build"], RuleDecision.Allow, "build is scratch", RuleOrigin.User);
        var pipeline = _scenario.Pipeline(rules: [rule]);

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert
        Assert.Equal(ShellStatus.Completed, result.Status);
        Assert.Equal(new ApprovalOutcome(ApprovalDecision.Approved, ApprovalSource.Rule, ApprovalReason.RuleAllow, Note: "build is scratch"), result.Approval);
        Assert.DoesNotContain(AuditEventNames.ElicitationSent, _scenario.Names);
        Assert.True(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_channel_that_cannot_ask_denies_with_its_reason_before_the_assessor_is_called()
    {
        // Arrange
        var assessor = new FixedRiskAssessor(new AssessmentResult(AssessmentStatus.Success, new RiskAssessment("deletes build", RiskLevel.High, "data_deletion"), TimeSpan.Zero));
        var pipeline = _scenario.Pipeline(assessor: assessor);

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert
        Assert.Equal(ShellStatus.Denied, result.Status);
        Assert.Equal(ApprovalOutcome.DeniedByChannel(ApprovalReason.ClientCannotElicit), result.Approval);
        Assert.Empty(assessor.Requests);
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.Denial], _scenario.Names);
        Assert.Equal("client_cannot_elicit", _scenario.Field(AuditEventNames.Denial, "reason"));
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task An_answer_for_the_session_approves_the_same_call_again_from_the_cache_without_a_question()
    {
        // Arrange
        var pipeline = _scenario.Pipeline();
        var channel = new ScriptedApprovalChannel(ApprovedForSession);

        // Act: the same call twice; the witness of the first run is removed in between.
        var first = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);
        File.Delete(_scenario.Witness);
        var second = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert
        Assert.Equal(1, channel.Asked);
        Assert.Equal((ShellStatus.Completed, ApprovalDecision.ApprovedForSession), (first.Status, first.Approval?.Decision));
        Assert.Equal(new ApprovalOutcome(ApprovalDecision.ApprovedForSession, ApprovalSource.Session, ApprovalReason.SessionCache), second.Approval);
        Assert.Equal(ShellStatus.Completed, second.Status);
        Assert.True(_scenario.CommandRan);
        var cached = _scenario.Audit.Events.Where(e => e.Name == AuditEventNames.Answer).Last().Fields;
        Assert.Equal(("session", "session_cache", null), (cached["source"]!.GetValue<string>(), cached["reason"]!.GetValue<string>(), cached["approval_id"]?.GetValue<string>()));
        Assert.Equal(1, _scenario.Names.Count(name => name == AuditEventNames.ElicitationSent));
    }

    [Fact]
    public async Task A_call_beyond_the_pending_question_limit_is_denied_as_too_many_pending_without_a_question()
    {
        // Arrange: the only place is taken.
        var limit = new PendingQuestionLimit(1);
        var pipeline = _scenario.Pipeline(pending: limit);
        var channel = ScriptedApprovalChannel.Approving();
        var taken = limit.TryEnter();

        // Act
        var denied = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);
        var ranBeforeRelease = _scenario.CommandRan;
        taken!.Dispose();
        var asked = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert: denied while full; once the place is free the same call is asked (positive control).
        Assert.Equal(ApprovalOutcome.DeniedByChannel(ApprovalReason.TooManyPending), denied.Approval);
        Assert.False(ranBeforeRelease);
        Assert.Equal(ShellStatus.Completed, asked.Status);
        Assert.Equal(1, channel.Asked);
        Assert.Equal(0, limit.Pending);
    }

    [Fact]
    public async Task A_channel_that_throws_is_a_client_error_and_the_command_does_not_run()
    {
        // Arrange
        var pipeline = _scenario.Pipeline();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), new ActingApprovalChannel(onAsked: () => throw new InvalidOperationException("the channel broke")), null, CancellationToken.None);

        // Assert
        Assert.Equal(ShellStatus.Denied, result.Status);
        Assert.Equal(ApprovalOutcome.DeniedByChannel(ApprovalReason.ClientError), result.Approval);
        Assert.Equal("client_error", _scenario.Field(AuditEventNames.Answer, "reason"));
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task An_approval_whose_answer_cannot_be_recorded_does_not_run()
    {
        // Arrange
        _scenario.Audit.BreaksAt = AuditEventNames.Answer;
        var pipeline = _scenario.Pipeline();
        var channel = ScriptedApprovalChannel.Approving();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert: the human approved, but with no record of it nothing runs.
        Assert.Equal(1, channel.Asked);
        Assert.Equal(ShellStatus.Denied, result.Status);
        Assert.Equal(ApprovalOutcome.DeniedByChannel(ApprovalReason.AuditUnavailable), result.Approval);
        Assert.DoesNotContain(AuditEventNames.ExecutionStarted, _scenario.Names);
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_session_approval_whose_answer_cannot_be_recorded_is_not_remembered_for_the_session()
    {
        // Found in a review: the session cache took the answer before the audit log did. The first call was denied
        // (audit_unavailable), and the next identical call then ran from the cache: an approval the log never held.
        var refused = false;
        _scenario.Audit.Refuses = (auditEvent, _) => auditEvent.Name == AuditEventNames.Answer && !refused && (refused = true);
        var pipeline = _scenario.Pipeline();
        var channel = new ScriptedApprovalChannel(ApprovedForSession);

        // Act
        var first = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);
        var second = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert: the second call is asked again, and its recorded answer is the human's, not the cache's.
        Assert.Equal(ApprovalOutcome.DeniedByChannel(ApprovalReason.AuditUnavailable), first.Approval);
        Assert.Equal(2, channel.Asked);
        Assert.Equal((ShellStatus.Completed, ApprovalSource.User), (second.Status, second.Approval?.Source));
    }

    [Fact]
    public async Task A_question_that_cannot_be_recorded_is_not_asked()
    {
        // Arrange
        _scenario.Audit.BreaksAt = AuditEventNames.ElicitationSent;
        var pipeline = _scenario.Pipeline();
        var channel = ScriptedApprovalChannel.Approving();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert
        Assert.Equal(0, channel.Asked);
        Assert.Equal(ApprovalOutcome.DeniedByChannel(ApprovalReason.AuditUnavailable), result.Approval);
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task An_approval_given_after_the_call_was_cancelled_is_a_denial_and_does_not_run()
    {
        // Arrange: the human approves just as the caller gives up.
        using var cancellation = new CancellationTokenSource();
        var pipeline = _scenario.Pipeline();
        var channel = new ActingApprovalChannel(onAsked: cancellation.Cancel, answer: Approved);

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, cancellation.Token);

        // Assert
        Assert.Equal(ApprovalOutcome.DeniedByChannel(ApprovalReason.CallCancelled), result.Approval);
        Assert.Equal("call_cancelled", _scenario.Field(AuditEventNames.Answer, "reason"));
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task An_approval_given_as_the_client_went_away_is_denied_as_disconnected_not_as_cancelled()
    {
        // Arrange: an accept followed at once by the end of the client's input; the call is cancelled because the client
        // is gone, and the channel knows it (it was recorded as call_cancelled when the two raced).
        using var cancellation = new CancellationTokenSource();
        var pipeline = _scenario.Pipeline();
        var channel = new ActingApprovalChannel(onAsked: cancellation.Cancel, answer: Approved) { CancelledBecause = ApprovalReason.Disconnected };

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, cancellation.Token);

        // Assert
        Assert.Equal(ApprovalOutcome.DeniedByChannel(ApprovalReason.Disconnected), result.Approval);
        Assert.Equal("disconnected", _scenario.Field(AuditEventNames.Answer, "reason"));
        Assert.False(_scenario.CommandRan);
    }

    // A channel that does something when asked (throws, breaking its "never throw" contract, or cancels the call) and
    // then answers.
    private sealed class ActingApprovalChannel(Action onAsked, ApprovalOutcome? answer = null) : IApprovalChannel
    {
        public ApprovalReason? CancelledBecause { get; init; }

        public bool CanAsk => true;

        public ApprovalReason CannotAskReason => ApprovalReason.ClientCannotElicit;

        public string Render(ApprovalQuestion question) => ApprovalMessage.Render(question);

        public Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken)
        {
            onAsked();
            return Task.FromResult(answer ?? ApprovalOutcome.DeniedByChannel(ApprovalReason.UserDeclined));
        }
    }
}
