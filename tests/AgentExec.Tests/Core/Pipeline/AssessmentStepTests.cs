using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Pipeline;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// The assessment step (AssessmentStep): advisory evidence for a question — recorded, shown with it, and never a reason
/// not to ask.
/// </summary>
public sealed class AssessmentStepTests : IDisposable
{
    private static readonly RiskAssessment HighRisk = new("deletes the build tree", RiskLevel.High, "data_deletion");

    private readonly PipelineStepScenario _scenario = new();

    public void Dispose() => _scenario.Dispose();

    [Fact]
    public async Task A_successful_assessment_is_recorded_before_the_question_and_shown_with_it()
    {
        // Arrange
        var assessor = new FixedRiskAssessor(new AssessmentResult(AssessmentStatus.Success, HighRisk, TimeSpan.FromMilliseconds(40)));
        var pipeline = _scenario.Pipeline(assessor: assessor);
        var channel = ScriptedApprovalChannel.Declining();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert
        Assert.Equal(
            [AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.Assessment, AuditEventNames.ElicitationSent, AuditEventNames.Answer, AuditEventNames.Denial],
            _scenario.Names);
        Assert.Equal(("success", "high", "data_deletion"), (_scenario.Field(AuditEventNames.Assessment, "status"), _scenario.Field(AuditEventNames.Assessment, "risk_level"), _scenario.Field(AuditEventNames.Assessment, "risk_category")));
        Assert.Equal(40L, _scenario.Event(AuditEventNames.Assessment)["latency_ms"]!.GetValue<long>());
        Assert.Equal(HighRisk, Assert.Single(channel.Questions).Risk);
        Assert.Equal(HighRisk, result.Approval?.Risk);
    }

    [Fact]
    public async Task The_assessor_is_told_the_command_its_real_working_directory_and_the_justification()
    {
        // Arrange
        var assessor = new FixedRiskAssessor(AssessmentResult.Disabled);
        var pipeline = _scenario.Pipeline(assessor: assessor);

        // Act
        await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), ScriptedApprovalChannel.Declining(), null, CancellationToken.None);

        // Assert
        var asked = Assert.Single(assessor.Requests);
        Assert.Equal((PipelineStepScenario.AskingCommand, _scenario.Workspace, "a step test"), (asked.CommandLine, asked.WorkingDirectory, asked.Justification));
    }

    [Fact]
    public async Task A_throwing_assessor_is_recorded_as_a_model_error_and_the_question_is_asked_without_a_risk()
    {
        // Arrange
        var pipeline = _scenario.Pipeline(assessor: new ThrowingRiskAssessor());
        var channel = ScriptedApprovalChannel.Declining();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert
        Assert.Null(Assert.Single(channel.Questions).Risk);
        Assert.Equal(("model_error", nameof(InvalidOperationException)), (_scenario.Field(AuditEventNames.Assessment, "status"), _scenario.Field(AuditEventNames.Assessment, "detail")));
        Assert.Null(_scenario.Field(AuditEventNames.Assessment, "risk_level"));
        Assert.Equal(ApprovalReason.UserDeclined, result.Approval?.Reason);
    }

    [Fact]
    public async Task A_disabled_assessor_records_no_assessment_and_the_question_is_asked()
    {
        // Arrange: the factory's default assessor is the disabled one.
        var pipeline = _scenario.Pipeline();
        var channel = ScriptedApprovalChannel.Declining();

        // Act
        await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert
        Assert.Null(Assert.Single(channel.Questions).Risk);
        Assert.DoesNotContain(AuditEventNames.Assessment, _scenario.Names);
        Assert.Contains(AuditEventNames.ElicitationSent, _scenario.Names);
    }

    [Fact]
    public async Task An_assessment_that_cannot_be_recorded_does_not_stop_the_question()
    {
        // Arrange
        _scenario.Audit.Refuses = (e, _) => e.Name == AuditEventNames.Assessment;
        var assessor = new FixedRiskAssessor(new AssessmentResult(AssessmentStatus.Success, HighRisk, TimeSpan.Zero));
        var pipeline = _scenario.Pipeline(assessor: assessor);
        var channel = ScriptedApprovalChannel.Declining();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.AskingCommand), channel, null, CancellationToken.None);

        // Assert: advisory evidence; the question is recorded and put, with its risk.
        Assert.Single(assessor.Requests);
        Assert.Equal(HighRisk, Assert.Single(channel.Questions).Risk);
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.ElicitationSent, AuditEventNames.Answer, AuditEventNames.Denial], _scenario.Names);
        Assert.Equal(ApprovalReason.UserDeclined, result.Approval?.Reason);
    }

    [Fact]
    public async Task A_command_that_needs_no_question_is_not_assessed()
    {
        // Arrange
        var assessor = new FixedRiskAssessor(new AssessmentResult(AssessmentStatus.Success, HighRisk, TimeSpan.Zero));
        var pipeline = _scenario.Pipeline(assessor: assessor);

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert
        Assert.Equal(ShellStatus.Completed, result.Status);
        Assert.Empty(assessor.Requests);
        Assert.DoesNotContain(AuditEventNames.Assessment, _scenario.Names);
    }

    // An assessor that breaks its "never throw" contract.
    private sealed class ThrowingRiskAssessor : IRiskAssessor
    {
        public Task<AssessmentResult> AssessAsync(AssessmentRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the model client broke");
    }
}
