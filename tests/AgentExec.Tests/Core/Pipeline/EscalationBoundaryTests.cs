using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// Where an approval stops (SPEC.md "Elicitation"): an escalated approval does not cover a sandboxed run or the reverse,
/// a retry without the sandbox is never remembered, and a channel that fails in any of its members denies.
/// </summary>
public sealed class EscalationBoundaryTests : IDisposable
{
    private static readonly ApprovalOutcome ApprovedForSession = new(ApprovalDecision.ApprovedForSession, ApprovalSource.User, ApprovalReason.UserApproved);

    private readonly PipelineStepScenario _scenario = new();

    public void Dispose() => _scenario.Dispose();

    [Theory]
    [InlineData(EscalationKind.RequireEscalated, EscalationKind.None)]
    [InlineData(EscalationKind.None, EscalationKind.RequireEscalated)]
    public async Task An_answer_for_the_session_covers_only_the_escalation_it_was_given_for(EscalationKind approved, EscalationKind other)
    {
        // Arrange
        var pipeline = _scenario.Pipeline();
        var channel = new ScriptedApprovalChannel(ApprovedForSession);
        var request = _scenario.Request(PipelineStepScenario.AskingCommand);

        // Act: approved for the session with one escalation, then the same line with the other, then the first again.
        await pipeline.ExecuteAsync(request with { Escalation = approved }, channel, null, CancellationToken.None);
        var otherResult = await pipeline.ExecuteAsync(request with { Escalation = other }, channel, null, CancellationToken.None);
        var again = await pipeline.ExecuteAsync(request with { Escalation = approved }, channel, null, CancellationToken.None);

        // Assert: the other escalation was asked about; the approved one came from the cache.
        Assert.Equal(2, channel.Asked);
        Assert.Equal(other, channel.Questions[1].Escalation);
        Assert.Equal(ApprovalSource.User, otherResult.Approval?.Source);
        Assert.Equal(ApprovalReason.SessionCache, again.Approval?.Reason);
    }

    [Fact]
    public async Task A_retry_answered_for_the_session_runs_once_and_is_asked_again_on_the_same_call()
    {
        // Arrange: every sandboxed run is refused; the human answers every question "for the session".
        var pipeline = _scenario.Pipeline(sandbox: RefusingSandbox.Selection());
        var channel = new ScriptedApprovalChannel(ApprovedForSession);

        // Act
        var first = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), channel, null, CancellationToken.None);
        File.Delete(_scenario.Witness);
        var second = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), channel, null, CancellationToken.None);

        // Assert: each call's retry was its own question, approved once, and no answer came from the cache.
        Assert.Equal(2, channel.Asked);
        Assert.All(channel.Questions, question => Assert.True(question.IsRetryWithoutSandbox));
        Assert.Equal((ShellStatus.Completed, ApprovalDecision.Approved, ApprovalSource.User), (first.Status, first.Approval?.Decision, first.Approval?.Source));
        Assert.Equal((ShellStatus.Completed, ApprovalDecision.Approved, ApprovalSource.User), (second.Status, second.Approval?.Decision, second.Approval?.Source));
        Assert.DoesNotContain(_scenario.Audit.Events, e => e.Name == AuditEventNames.Answer && e.Fields["reason"]!.GetValue<string>() == "session_cache");
        Assert.True(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_channel_whose_rendering_throws_denies_as_a_client_error_without_asking_or_running()
    {
        // Arrange: Render is the front end's code like AskAsync; it threw out of ExecuteAsync.
        var pipeline = _scenario.Pipeline();
        var channel = new RenderFailingChannel();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert
        Assert.False(channel.Asked);
        Assert.Equal(ShellStatus.Denied, result.Status);
        Assert.Equal((ApprovalDecision.Denied, ApprovalReason.ClientError), (result.Approval?.Decision, result.Approval?.Reason));
        Assert.Equal(
            [AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.Answer, AuditEventNames.Denial],
            _scenario.Names);
        Assert.False(_scenario.CommandRan);
    }

    private sealed class RenderFailingChannel : IApprovalChannel
    {
        public bool Asked { get; private set; }

        public bool CanAsk => true;

        public ApprovalReason CannotAskReason => ApprovalReason.ClientCannotElicit;

        public string Render(ApprovalQuestion question) => throw new FormatException("the channel cannot show this");

        public Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Asked = true;
            return Task.FromResult(new ApprovalOutcome(ApprovalDecision.Approved, ApprovalSource.User, ApprovalReason.UserApproved));
        }
    }
}
