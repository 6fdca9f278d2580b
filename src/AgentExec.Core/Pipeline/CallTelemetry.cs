using System.Diagnostics;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Network;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using AgentExec.Core.Telemetry;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// One call's span and measurements: the pipeline tells it what was decided as it goes, and <see cref="Finish"/> ends
/// the span with the result, so the pipeline itself holds no <see cref="Activity"/> code.
/// </summary>
/// <remarks>
/// Only codes and numbers are recorded: never the command's output, the question's text, the human's note, the
/// justification or the model's description, all of which may hold secrets or text the agent chose. The command line
/// and working directory are added only when <see cref="TelemetrySettings.IncludeCommand"/> is on. Not thread-safe: a
/// call's steps run one after another.
/// </remarks>
internal sealed class CallTelemetry : IDisposable
{
    private readonly Activity? _span;
    private readonly TimeProvider _clock;
    private readonly bool _includeCommand;
    private readonly Lock _networkLock = new();
    private int _networkAllowed;
    private int _networkDenied;
    private long? _questionSentAt;
    private TimeSpan? _humanWait;
    private ApprovalOutcome? _lastDecided;
    private bool _finished;

    private CallTelemetry(Activity? span, TimeProvider clock, bool includeCommand)
    {
        _span = span;
        _clock = clock;
        _includeCommand = includeCommand;
    }

    /// <summary>Starts the call's span (none when nobody listens) with what is known before anything is decided.</summary>
    public static CallTelemetry Start(ExecRequest request, AgentExecSettings settings, TimeProvider clock)
    {
        var span = AgentExecTelemetry.Source.StartActivity(AgentExecTelemetry.ShellSpanName, ActivityKind.Internal);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(TelemetryAttributes.CallId, request.CallId);
            span.SetTag(TelemetryAttributes.ApprovalPolicy, settings.ApprovalPolicy.ToCode());
            span.SetTag(TelemetryAttributes.Escalation, request.Escalation.ToCode());
            span.SetTag(TelemetryAttributes.SandboxConfigured, settings.Sandbox.ToCode());
            if (settings.Telemetry.IncludeCommand)
            {
                span.SetTag(TelemetryAttributes.Command, request.CommandLine);
                span.SetTag(TelemetryAttributes.WorkingDirectory, request.WorkingDirectory);
            }
        }

        return new CallTelemetry(span, clock, settings.Telemetry.IncludeCommand);
    }

    /// <summary>Records a risk assessment; the span keeps the last one (a retry question is assessed again).</summary>
    public void Assessed(AssessmentResult result)
    {
        var status = result.Status.ToCode();
        if (result.Status != AssessmentStatus.Disabled)
        {
            AgentExecTelemetry.AssessmentDuration.Record(
                result.Latency.TotalSeconds,
                new KeyValuePair<string, object?>(TelemetryAttributes.AssessmentStatus, status));
        }

        _span?.SetTag(TelemetryAttributes.AssessmentStatus, status);
        _span?.SetTag(TelemetryAttributes.AssessmentLatencyMs, result.Status == AssessmentStatus.Disabled ? null : (long?)(long)result.Latency.TotalMilliseconds);
        _span?.SetTag(TelemetryAttributes.RiskLevel, result.Risk?.LevelCode);
        _span?.SetTag(TelemetryAttributes.RiskCategory, result.Risk?.Category);
    }

    /// <summary>Marks the moment a question goes to the human.</summary>
    public void QuestionSent() => _questionSentAt = _clock.GetTimestamp();

    /// <summary>Marks the moment the human's answer (or its failure) came back.</summary>
    public void AnswerReceived()
    {
        if (_questionSentAt is { } sentAt)
        {
            _humanWait = _clock.GetElapsedTime(sentAt);
            _questionSentAt = null;
        }
    }

    /// <summary>Records an approval outcome: counted once, added as a span event, and kept on the span as the latest decision.</summary>
    /// <returns><paramref name="outcome"/>, so a call site can record and keep it in one expression.</returns>
    public ApprovalOutcome Decided(ApprovalOutcome outcome)
    {
        _lastDecided = outcome;
        var decision = outcome.Decision.ToCode();
        var source = outcome.Source.ToCode();
        var reason = outcome.Reason.ToCode();
        var tags = new TagList
        {
            { TelemetryAttributes.ApprovalDecision, decision },
            { TelemetryAttributes.ApprovalSource, source },
            { TelemetryAttributes.ApprovalReason, reason },
        };
        AgentExecTelemetry.Approvals.Add(1, tags);

        // The wait belongs to this outcome only; an outcome nobody was asked about (a rule, the cache) has none.
        long? waitMs = null;
        if (_humanWait is { } wait)
        {
            AgentExecTelemetry.ApprovalWait.Record(wait.TotalSeconds, tags);
            waitMs = (long)wait.TotalMilliseconds;
            _humanWait = null;
        }

        if (_span is null)
        {
            return outcome;
        }

        _span.SetTag(TelemetryAttributes.ApprovalDecision, decision);
        _span.SetTag(TelemetryAttributes.ApprovalSource, source);
        _span.SetTag(TelemetryAttributes.ApprovalReason, reason);
        _span.SetTag(TelemetryAttributes.ApprovalWaitMs, waitMs);
        var eventTags = new ActivityTagsCollection
        {
            [TelemetryAttributes.ApprovalDecision] = decision,
            [TelemetryAttributes.ApprovalSource] = source,
            [TelemetryAttributes.ApprovalReason] = reason,
        };
        if (waitMs is not null)
        {
            eventTags[TelemetryAttributes.ApprovalWaitMs] = waitMs;
        }

        _span.AddEvent(new ActivityEvent(AgentExecTelemetry.ApprovalEventName, tags: eventTags));
        return outcome;
    }

    /// <summary>
    /// Records one destination the egress proxy's gate decided, as a span event. Unlike the rest of this class it may be
    /// called from several connections of the running command at once, so it takes a lock.
    /// </summary>
    public void NetworkDecided(NetworkTarget target, bool allowed, string source)
    {
        lock (_networkLock)
        {
            if (allowed)
            {
                _networkAllowed++;
            }
            else
            {
                _networkDenied++;
            }

            if (_span is null)
            {
                return;
            }

            var tags = new ActivityTagsCollection
            {
                [TelemetryAttributes.NetworkDecision] = allowed ? NetworkDecision.AllowedCode : NetworkDecision.DeniedCode,
                [TelemetryAttributes.NetworkSource] = source,
                [TelemetryAttributes.NetworkPort] = target.Port,
            };
            if (_includeCommand)
            {
                tags[TelemetryAttributes.NetworkHost] = target.Host;
            }

            _span.AddEvent(new ActivityEvent(AgentExecTelemetry.NetworkDecisionEventName, tags: tags));
        }
    }

    /// <summary>Ends the call: records its result on the span, counts it, and returns <paramref name="result"/> unchanged.</summary>
    public ShellResult Finish(ShellResult result)
    {
        // Outcomes the pipeline reached without a question (a rule, a missing sandbox, an unwritable audit log) are
        // counted here; one already recorded by Decided is the same instance and is not counted twice.
        if (result.Approval is { } approval && !ReferenceEquals(approval, _lastDecided))
        {
            Decided(approval);
        }

        var status = ShellStatusCodes.ToCode(result.Status);
        var verdict = result.Evaluation?.Verdict.ToCode();
        var callTags = new TagList { { TelemetryAttributes.CallStatus, status } };
        if (verdict is not null)
        {
            // No verdict when the call ended before the policy judged it (an unwritable log, a missing directory).
            callTags.Add(TelemetryAttributes.PolicyVerdict, verdict);
        }

        AgentExecTelemetry.Calls.Add(1, callTags);
        _finished = true;
        if (_span is null)
        {
            return result;
        }

        _span.SetTag(TelemetryAttributes.CallStatus, status);
        _span.SetTag(TelemetryAttributes.PolicyVerdict, verdict);
        _span.SetTag(TelemetryAttributes.PolicyReason, result.Evaluation?.Reason?.ToCode());
        _span.SetTag(TelemetryAttributes.SandboxMode, result.Sandbox?.ToCode() ?? "none");
        _span.SetTag(TelemetryAttributes.SandboxBackend, result.Backend.ToCode());
        _span.SetTag(TelemetryAttributes.SandboxDenied, result.SandboxDenied);
        _span.SetTag(TelemetryAttributes.ExitCode, result.ExitCode);
        _span.SetTag(TelemetryAttributes.AuditSeq, result.AuditHead?.Seq);
        if (result.Network is not null)
        {
            lock (_networkLock)
            {
                _span.SetTag(TelemetryAttributes.NetworkAllowedCount, _networkAllowed);
                _span.SetTag(TelemetryAttributes.NetworkDeniedCount, _networkDenied);
            }
        }

        // A denial is the pipeline working as meant, so it is not an error; a command that was meant to run and could
        // not, or a record that could not be written, is.
        if (result.Status is ShellStatus.FailedToStart or ShellStatus.TimedOut || result.Approval?.Reason == ApprovalReason.AuditUnavailable)
        {
            _span.SetStatus(ActivityStatusCode.Error, result.Approval?.Reason == ApprovalReason.AuditUnavailable ? "audit_unavailable" : status);
        }

        return result;
    }

    /// <summary>Ends the span; one ended without <see cref="Finish"/> means the pipeline threw, and is marked as an error.</summary>
    public void Dispose()
    {
        if (!_finished)
        {
            _span?.SetStatus(ActivityStatusCode.Error, "the pipeline ended without a result");
        }

        _span?.Dispose();
    }
}
