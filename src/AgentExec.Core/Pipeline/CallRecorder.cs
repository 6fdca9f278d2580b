using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// Writes one call's events to the audit log, stamping each with the call id, and remembers the head. Every step
/// records through one method per event, so the schema of SPEC.md's audit log is spelled here and nowhere else.
/// </summary>
/// <remarks>
/// Each method returns false when the event could not be written; the caller then fails closed. Deliberately not
/// cancellable: the record of a denial matters most exactly when the call is being cancelled, and a half-written
/// line is worse than a finished one.
/// </remarks>
internal sealed partial class CallRecorder(IAuditLog log, string callId, ILogger logger)
{
    /// <summary>The head after the last event this call wrote.</summary>
    public AuditHead? Head { get; private set; }

    /// <summary><c>call_received</c>: the request as the front end gave it.</summary>
    public Task<bool> ReceivedAsync(ExecRequest request) => TryRecordAsync(AuditEventNames.CallReceived, new JsonObject
    {
        ["command"] = request.CommandLine,
        ["cwd"] = request.WorkingDirectory,
        ["timeout_ms"] = (long)request.Timeout.TotalMilliseconds,
        ["justification"] = request.Justification,
        ["escalation"] = request.Escalation.ToCode(),
    });

    /// <summary><c>call_received</c> for input the front end could not accept: only the command, when one was given.</summary>
    public Task<bool> ReceivedInvalidAsync(string? commandLine) => TryRecordAsync(AuditEventNames.CallReceived, new JsonObject
    {
        ["command"] = commandLine,
        ["cwd"] = null,
        ["timeout_ms"] = null,
        ["justification"] = null,
        ["escalation"] = null,
    });

    /// <summary><c>policy_decision</c>: the evaluation and its evidence (one per attempt the policy judged).</summary>
    public Task<bool> DecidedAsync(PolicyEvaluation evaluation) =>
        TryRecordAsync(AuditEventNames.PolicyDecision, PolicyEvaluationJson.ToJson(evaluation));

    /// <summary><c>assessment</c>: how the risk model answered (not recorded when the assessment is off).</summary>
    public Task<bool> AssessedAsync(AssessmentResult result) => TryRecordAsync(AuditEventNames.Assessment, new JsonObject
    {
        ["status"] = result.Status.ToCode(),
        ["latency_ms"] = (long)result.Latency.TotalMilliseconds,
        ["risk_level"] = result.Risk?.LevelCode,
        ["risk_category"] = result.Risk?.Category,
        ["detail"] = result.Detail,
    });

    /// <summary><c>elicitation_sent</c>: a question is about to be put, with the text the channel shows.</summary>
    public Task<bool> QuestionSentAsync(ApprovalQuestion question, string shownText) => TryRecordAsync(AuditEventNames.ElicitationSent, new JsonObject
    {
        ["approval_id"] = question.ApprovalId,
        ["escalation"] = question.Escalation.ToCode(),
        ["message"] = shownText,
    });

    /// <summary><c>answer</c>: the outcome of asking, or of the session cache standing in for a question.</summary>
    public Task<bool> AnsweredAsync(ApprovalOutcome answer, string? approvalId) => TryRecordAsync(AuditEventNames.Answer, new JsonObject
    {
        ["approval_id"] = approvalId,
        ["decision"] = answer.Decision.ToCode(),
        ["source"] = answer.Source.ToCode(),
        ["reason"] = answer.Reason.ToCode(),
        ["note"] = answer.Note,
        ["answer_shape"] = answer.AnswerShape,
    });

    /// <summary><c>execution_started</c>: the command is about to start, under this sandbox.</summary>
    public Task<bool> StartedAsync(SandboxMode? sandbox, SandboxBackendKind backend) => TryRecordAsync(AuditEventNames.ExecutionStarted, new JsonObject
    {
        ["sandbox"] = sandbox?.ToCode() ?? "none",
        ["sandbox_backend"] = backend.ToCode(),
    });

    /// <summary><c>execution_finished</c>: how the command ended, and what it changed in repositories.</summary>
    public Task<bool> FinishedAsync(ShellStatus status, ExecutionResult execution, SandboxMode? sandbox, bool sandboxDenied, RepositoryReport? repositories)
    {
        var finished = new JsonObject
        {
            ["outcome"] = status.ToOutcomeCode(),
            ["exit_code"] = execution.ExitCode,
            ["duration_ms"] = (long)execution.Duration.TotalMilliseconds,
            ["sandbox"] = sandbox?.ToCode() ?? "none",
            ["sandbox_denied"] = sandboxDenied,
            ["truncated"] = execution.Truncated,
            ["stdout_bytes"] = execution.Stdout.TotalBytes,
            ["stderr_bytes"] = execution.Stderr.TotalBytes,
        };
        repositories?.AddTo(finished);
        return TryRecordAsync(AuditEventNames.ExecutionFinished, finished);
    }

    /// <summary><c>denial</c>: the call ends without running (or without its retry), and why.</summary>
    public Task<bool> DeniedAsync(string message, ApprovalOutcome? approval) => TryRecordAsync(AuditEventNames.Denial, new JsonObject
    {
        ["reason"] = approval?.Reason.ToCode(),
        ["decision"] = approval?.Decision.ToCode(),
        ["message"] = message,
    });

    private async Task<bool> TryRecordAsync(string name, JsonObject fields)
    {
        var stamped = new JsonObject { ["call_id"] = callId };
        foreach (var (key, value) in fields.ToArray())
        {
            fields.Remove(key);
            stamped[key] = value;
        }

        try
        {
            Head = await log.AppendAsync(new AuditEvent(name, stamped), CancellationToken.None).ConfigureAwait(false);
            return true;
        }
#pragma warning disable CA1031 // Any failure to write means "not recorded", which the caller turns into a denial.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogAuditFailed(logger, exception, name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the audit event {EventName}; the call fails closed")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string eventName);
}
