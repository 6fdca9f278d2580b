using System.Diagnostics;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Core.Telemetry;

namespace AgentExec.Tests.Core.Telemetry;

/// <summary>The <c>agentexec.shell</c> span of a call through the pipeline: what it says, and what it never carries.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class PipelineSpanTests : IDisposable
{
    private readonly TemporaryDirectory _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_command_that_runs_without_a_question_has_a_span_without_approval_attributes()
    {
        // Arrange
        using var telemetry = new TelemetryCapture();
        var pipeline = PipelineFactory.Create(Settings());

        // Act
        var result = await pipeline.ExecuteAsync(Request("echo hello", callId: "call-safe"), Refusing(), null, CancellationToken.None);

        // Assert
        var span = telemetry.ShellSpan;
        Assert.Equal(ShellStatus.Completed, result.Status);
        Assert.Equal("call-safe", span.GetTagItem(TelemetryAttributes.CallId));
        Assert.Equal("completed", span.GetTagItem(TelemetryAttributes.CallStatus));
        Assert.Equal("run", span.GetTagItem(TelemetryAttributes.PolicyVerdict));
        Assert.Null(span.GetTagItem(TelemetryAttributes.PolicyReason));
        Assert.Equal("on-failure", span.GetTagItem(TelemetryAttributes.ApprovalPolicy));
        Assert.Equal("none", span.GetTagItem(TelemetryAttributes.Escalation));
        Assert.Equal("danger-full-access", span.GetTagItem(TelemetryAttributes.SandboxConfigured));
        Assert.Equal("none", span.GetTagItem(TelemetryAttributes.SandboxMode));
        Assert.Equal("none", span.GetTagItem(TelemetryAttributes.SandboxBackend));
        Assert.Equal(false, span.GetTagItem(TelemetryAttributes.SandboxDenied));
        Assert.Equal(0, span.GetTagItem(TelemetryAttributes.ExitCode));
        Assert.Equal(result.AuditHead!.Seq, span.GetTagItem(TelemetryAttributes.AuditSeq));
        Assert.DoesNotContain(span.TagObjects, tag => tag.Key.StartsWith("agentexec.approval.", StringComparison.Ordinal));
        Assert.DoesNotContain(span.TagObjects, tag => tag.Key.StartsWith("agentexec.assessment.", StringComparison.Ordinal));
        Assert.Empty(span.Events);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task A_forbidden_rule_is_a_denial_by_the_rule_with_no_question_and_no_wait()
    {
        // Arrange
        using var telemetry = new TelemetryCapture();
        var rule = new PolicyRule(["rm", "-rf"], RuleDecision.Forbidden, "never delete trees here", RuleOrigin.User);
        var pipeline = PipelineFactory.Create(Settings(), rules: [rule]);
        var channel = Refusing();

        // Act
        var result = await pipeline.ExecuteAsync(Request("rm -rf build"), channel, null, CancellationToken.None);

        // Assert
        var span = telemetry.ShellSpan;
        Assert.Equal(ShellStatus.Denied, result.Status);
        Assert.Equal(0, channel.Asked);
        Assert.Equal("denied", span.GetTagItem(TelemetryAttributes.CallStatus));
        Assert.Equal("forbid", span.GetTagItem(TelemetryAttributes.PolicyVerdict));
        Assert.Equal("rule_forbidden", span.GetTagItem(TelemetryAttributes.PolicyReason));
        Assert.Equal("denied", span.GetTagItem(TelemetryAttributes.ApprovalDecision));
        Assert.Equal("rule", span.GetTagItem(TelemetryAttributes.ApprovalSource));
        Assert.Equal("rule_forbidden", span.GetTagItem(TelemetryAttributes.ApprovalReason));
        Assert.Null(span.GetTagItem(TelemetryAttributes.ApprovalWaitMs));
        Assert.Null(span.GetTagItem(TelemetryAttributes.ExitCode));
        Assert.Null(span.GetTagItem(TelemetryAttributes.AssessmentStatus));
        var approval = Assert.Single(span.Events);
        Assert.Equal(AgentExecTelemetry.ApprovalEventName, approval.Name);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task A_human_answer_has_its_wait_measured_by_the_pipeline_clock()
    {
        // Arrange
        using var telemetry = new TelemetryCapture();
        var clock = new ManualTimeProvider();
        var pipeline = WithClock(PipelineFactory.Create(Settings()), clock);
        var channel = new ScriptedApprovalChannel(Approved(), clock, TimeSpan.FromMilliseconds(1500));

        // Act
        var result = await pipeline.ExecuteAsync(Request("rm -rf build"), channel, null, CancellationToken.None);

        // Assert
        var span = telemetry.ShellSpan;
        Assert.Equal(ShellStatus.Completed, result.Status);
        Assert.Equal(1, channel.Asked);
        Assert.Equal("ask", span.GetTagItem(TelemetryAttributes.PolicyVerdict));
        Assert.Equal("approved", span.GetTagItem(TelemetryAttributes.ApprovalDecision));
        Assert.Equal("user", span.GetTagItem(TelemetryAttributes.ApprovalSource));
        Assert.Equal("user_approved", span.GetTagItem(TelemetryAttributes.ApprovalReason));
        Assert.Equal(1500L, span.GetTagItem(TelemetryAttributes.ApprovalWaitMs));
        Assert.Equal("disabled", span.GetTagItem(TelemetryAttributes.AssessmentStatus));
        Assert.Null(span.GetTagItem(TelemetryAttributes.AssessmentLatencyMs));
        var approval = Assert.Single(span.Events);
        Assert.Equal(1500L, approval.Tags.Single(tag => tag.Key == TelemetryAttributes.ApprovalWaitMs).Value);
    }

    [Fact]
    public async Task An_assessment_puts_its_status_latency_and_risk_on_the_span_but_not_the_models_words()
    {
        // Arrange
        using var telemetry = new TelemetryCapture();
        const string Description = "model-description-marker: deletes the build tree";
        var assessor = new FixedRiskAssessor(new AssessmentResult(
            AssessmentStatus.Success,
            new RiskAssessment(Description, RiskLevel.High, "data_deletion"),
            TimeSpan.FromMilliseconds(1234)));
        var pipeline = PipelineFactory.Create(Settings(), assessor: assessor);

        // Act
        await pipeline.ExecuteAsync(Request("rm -rf build"), ScriptedApprovalChannel.Approving(), null, CancellationToken.None);

        // Assert
        var span = telemetry.ShellSpan;
        Assert.Equal("success", span.GetTagItem(TelemetryAttributes.AssessmentStatus));
        Assert.Equal(1234L, span.GetTagItem(TelemetryAttributes.AssessmentLatencyMs));
        Assert.Equal("high", span.GetTagItem(TelemetryAttributes.RiskLevel));
        Assert.Equal("data_deletion", span.GetTagItem(TelemetryAttributes.RiskCategory));
        Assert.DoesNotContain(AllValues(span), value => value.Contains("model-description-marker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_command_text_output_justification_or_note_appears_in_any_span_attribute_by_default()
    {
        // Arrange
        using var telemetry = new TelemetryCapture();
        var rule = new PolicyRule(["printf"], RuleDecision.Prompt, "rule-justification-marker", RuleOrigin.User);
        var pipeline = PipelineFactory.Create(Settings(), rules: [rule]);
        var channel = new ScriptedApprovalChannel(Approved() with { Note = "human-note-marker" });
        var request = Request("printf stdout-marker; printf stderr-marker >&2", justification: "agent-justification-marker");

        // Act
        var result = await pipeline.ExecuteAsync(request, channel, null, CancellationToken.None);

        // Assert
        Assert.Equal("stdout-marker", result.Stdout.Text);
        Assert.Equal("stderr-marker", result.Stderr.Text);
        var values = AllValues(telemetry.ShellSpan);
        Assert.NotEmpty(values);
        foreach (var secret in new[] { "printf", "-marker", _workspace.Path })
        {
            Assert.DoesNotContain(values, value => value.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_command_line_and_directory_are_on_the_span_only_when_the_user_config_asks()
    {
        // Arrange
        using var telemetry = new TelemetryCapture();
        var pipeline = PipelineFactory.Create(Settings() with { Telemetry = new TelemetrySettings(IncludeCommand: true) });

        // Act
        await pipeline.ExecuteAsync(Request("echo included"), Refusing(), null, CancellationToken.None);

        // Assert
        var span = telemetry.ShellSpan;
        Assert.Equal("echo included", span.GetTagItem(TelemetryAttributes.Command));
        Assert.Equal(_workspace.Path, span.GetTagItem(TelemetryAttributes.WorkingDirectory));
    }

    [Fact]
    public async Task A_call_that_cannot_write_its_audit_record_is_an_error_span()
    {
        // Arrange
        using var telemetry = new TelemetryCapture();
        var pipeline = PipelineFactory.Create(Settings(), auditLog: new RecordingAuditLog { Broken = true });

        // Act
        await pipeline.ExecuteAsync(Request("echo unrecorded"), Refusing(), null, CancellationToken.None);

        // Assert
        var span = telemetry.ShellSpan;
        Assert.Equal("denied", span.GetTagItem(TelemetryAttributes.CallStatus));
        Assert.Equal("audit_unavailable", span.GetTagItem(TelemetryAttributes.ApprovalReason));
        Assert.Equal("policy", span.GetTagItem(TelemetryAttributes.ApprovalSource));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("audit_unavailable", span.StatusDescription);
    }

    private AgentExecSettings Settings() => PipelineFactory.Settings(_workspace.Path);

    private ExecRequest Request(string command, string callId = "call-1", string? justification = null) =>
        PipelineFactory.Request(command, _workspace.Path, callId, justification);

    private static ExecPipeline WithClock(ExecPipeline pipeline, TimeProvider clock) =>
        new(pipeline.Dependencies with { TimeProvider = clock });

    private static ApprovalOutcome Approved() => new(ApprovalDecision.Approved, ApprovalSource.User, ApprovalReason.UserApproved);

    // A channel for calls that must not ask: it would deny, and the tests check it was not asked.
    private static ScriptedApprovalChannel Refusing() => ScriptedApprovalChannel.Declining();

    // Every attribute value of the span and of its events, as text.
    private static string[] AllValues(Activity span) =>
        span.TagObjects
            .Concat(span.Events.SelectMany(e => e.Tags))
            .Select(tag => Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")
            .Append(span.DisplayName)
            .Append(span.StatusDescription ?? "")
            .ToArray();
}
