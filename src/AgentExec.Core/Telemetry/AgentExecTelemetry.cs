using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace AgentExec.Core.Telemetry;

/// <summary>
/// The names a host needs to collect AgentExec's OpenTelemetry traces and metrics: one <see cref="ActivitySource"/> and
/// one <see cref="Meter"/>, both named <see cref="SourceName"/>, and the instruments recorded on that meter.
/// </summary>
/// <remarks>
/// Core uses System.Diagnostics only: nothing is collected, and nothing leaves the process, unless a host subscribes
/// (the <c>agentexec</c> executable does so only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set). Attribute names are in
/// <see cref="TelemetryAttributes"/>; what a span may carry is described in docs/telemetry.md.
/// </remarks>
public static class AgentExecTelemetry
{
    /// <summary>The name of both the activity source and the meter.</summary>
    public const string SourceName = "AgentExec";

    /// <summary>The span of one call through the pipeline, from "command arrives" to "result and audit record".</summary>
    public const string ShellSpanName = "agentexec.shell";

    /// <summary>The span event added for each approval outcome of a call (a call can have two: the question and the retry question).</summary>
    public const string ApprovalEventName = "agentexec.approval";

    /// <summary>The span event added for each destination the egress proxy's gate decided (SPEC.md "Network allow-list").</summary>
    public const string NetworkDecisionEventName = "agentexec.network_decision";

    /// <summary>Counter of calls through the pipeline, by status and policy verdict.</summary>
    public const string CallsMetric = "agentexec.calls";

    /// <summary>Counter of approval outcomes, by decision, source and reason.</summary>
    public const string ApprovalsMetric = "agentexec.approvals";

    /// <summary>Histogram of the time a human took to answer a question, in seconds, by decision and reason.</summary>
    public const string ApprovalWaitMetric = "agentexec.approval.wait.duration";

    /// <summary>Histogram of risk-assessment latency, in seconds, by assessment status.</summary>
    public const string AssessmentDurationMetric = "agentexec.assessment.duration";

    private static readonly string? Version =
        typeof(AgentExecTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>The source every AgentExec span comes from.</summary>
    internal static ActivitySource Source { get; } = new(SourceName, Version);

    /// <summary>The meter every AgentExec instrument belongs to.</summary>
    internal static Meter Meter { get; } = new(SourceName, Version);

    /// <summary>Calls through the pipeline.</summary>
    internal static Counter<long> Calls { get; } =
        Meter.CreateCounter<long>(CallsMetric, "{call}", "Calls through the AgentExec pipeline, by how they ended.");

    /// <summary>Approval outcomes: human answers, the session cache, rules and the policy's own denials.</summary>
    internal static Counter<long> Approvals { get; } =
        Meter.CreateCounter<long>(ApprovalsMetric, "{approval}", "Approval outcomes, by decision, source and reason.");

    // Durations are in seconds, as OpenTelemetry's semantic conventions ask of histograms; span attributes carry
    // milliseconds, like the audit log, because people read those one at a time. The buckets follow the defaults:
    // a human has 300 s (approval_timeout_ms), the assessment 5 s (assessment_timeout_ms).

    /// <summary>How long humans took to answer.</summary>
    internal static Histogram<double> ApprovalWait { get; } = Meter.CreateHistogram(
        ApprovalWaitMetric,
        "s",
        "Time a human took to answer an approval question.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600] });

    /// <summary>How long risk assessments took.</summary>
    internal static Histogram<double> AssessmentDuration { get; } = Meter.CreateHistogram(
        AssessmentDurationMetric,
        "s",
        "Latency of the LLM risk assessment made before a question.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10] });
}
