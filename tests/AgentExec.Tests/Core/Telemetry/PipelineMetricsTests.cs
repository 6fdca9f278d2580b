using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Core.Telemetry;

namespace AgentExec.Tests.Core.Telemetry;

/// <summary>The counters and histograms of the <c>AgentExec</c> meter, as the pipeline records them.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class PipelineMetricsTests : IDisposable
{
    private readonly TemporaryDirectory _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Calls_are_counted_by_status_and_verdict()
    {
        // Arrange
        using var telemetry = new TelemetryCapture();
        var rule = new PolicyRule(["rm", "-rf"], RuleDecision.Forbidden, null, RuleOrigin.User);
        var pipeline = PipelineFactory.Create(PipelineFactory.Settings(_workspace.Path), rules: [rule]);
        var unrecorded = PipelineFactory.Create(PipelineFactory.Settings(_workspace.Path), auditLog: new RecordingAuditLog { Broken = true });

        // Act
        await pipeline.ExecuteAsync(Request("echo one"), Declining(), null, CancellationToken.None);
        await pipeline.ExecuteAsync(Request("rm -rf build"), Declining(), null, CancellationToken.None);
        await unrecorded.ExecuteAsync(Request("echo two"), Declining(), null, CancellationToken.None);

        // Assert: a call denied before the policy judged it has no verdict tag at all.
        var calls = telemetry.Measurements(AgentExecTelemetry.CallsMetric);
        Assert.Equal(
            [("completed", "run", 1.0), ("denied", "forbid", 1.0), ("denied", null, 1.0)],
            calls.Select(m => (m.Tag(TelemetryAttributes.CallStatus), m.Tag(TelemetryAttributes.PolicyVerdict), m.Value)).ToArray());
        Assert.DoesNotContain(TelemetryAttributes.PolicyVerdict, calls[2].Tags.Keys);
    }

    [Fact]
    public async Task Approvals_are_counted_by_decision_source_and_reason_and_only_human_answers_have_a_wait()
    {
        // Arrange
        using var telemetry = new TelemetryCapture();
        var clock = new ManualTimeProvider();
        var forbid = new PolicyRule(["rm", "-rf", "/"], RuleDecision.Forbidden, null, RuleOrigin.User);
        var settings = PipelineFactory.Settings(_workspace.Path);
        var pipeline = new ExecPipeline(PipelineFactory.Create(settings, rules: [forbid]).Dependencies with { TimeProvider = clock });
        var declining = new ScriptedApprovalChannel(ApprovalOutcome.DeniedByChannel(ApprovalReason.UserDeclined), clock, TimeSpan.FromSeconds(4));

        // Act
        await pipeline.ExecuteAsync(Request("rm -rf build"), declining, null, CancellationToken.None);
        await pipeline.ExecuteAsync(Request("rm -rf /"), declining, null, CancellationToken.None);

        // Assert
        var approvals = telemetry.Measurements(AgentExecTelemetry.ApprovalsMetric);
        Assert.Equal(
            [("denied", "user", "user_declined"), ("denied", "rule", "rule_forbidden")],
            approvals.Select(m => (m.Tag(TelemetryAttributes.ApprovalDecision), m.Tag(TelemetryAttributes.ApprovalSource), m.Tag(TelemetryAttributes.ApprovalReason))).ToArray());
        var wait = Assert.Single(telemetry.Measurements(AgentExecTelemetry.ApprovalWaitMetric));
        Assert.Equal(4.0, wait.Value);
        Assert.Equal("user_declined", wait.Tag(TelemetryAttributes.ApprovalReason));
    }

    [Fact]
    public async Task Assessment_latency_is_a_histogram_in_seconds_by_status_and_a_disabled_assessor_records_none()
    {
        // Arrange
        using var telemetry = new TelemetryCapture();
        var settings = PipelineFactory.Settings(_workspace.Path);
        var timedOut = new FixedRiskAssessor(new AssessmentResult(AssessmentStatus.Timeout, null, TimeSpan.FromMilliseconds(5000)));
        var assessed = PipelineFactory.Create(settings, assessor: timedOut);
        var disabled = PipelineFactory.Create(settings);

        // Act
        await assessed.ExecuteAsync(Request("rm -rf build"), Declining(), null, CancellationToken.None);
        await disabled.ExecuteAsync(Request("rm -rf build"), Declining(), null, CancellationToken.None);

        // Assert
        var latency = Assert.Single(telemetry.Measurements(AgentExecTelemetry.AssessmentDurationMetric));
        Assert.Equal(5.0, latency.Value);
        Assert.Equal("timeout", latency.Tag(TelemetryAttributes.AssessmentStatus));
    }

    private ExecRequest Request(string command) => PipelineFactory.Request(command, _workspace.Path, "call-metrics");

    private static ScriptedApprovalChannel Declining() => ScriptedApprovalChannel.Declining();
}
