using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline.AuditRecords;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// Writes one call's events to the audit log, stamping each with the call id, and remembers the head. Every step
/// records through one method per event, each building that event's typed record (<see cref="AgentExec.Core.Audit.Events"/>).
/// </summary>
/// <remarks>
/// Each method returns false when the event could not be written; the caller then fails closed. Deliberately not
/// cancellable: the record of a denial matters most exactly when the call is being cancelled, and a half-written
/// line is worse than a finished one.
/// </remarks>
internal sealed partial class CallRecorder(IAuditLog log, string callId, ILogger logger)
{
    /// <summary>
    /// The head after the last event of this call known to be on disk (flushed itself, or by a later flush): the head a
    /// result reports, which a client may later hold the log to with <c>--expect-head</c>.
    /// </summary>
    public AuditHead? Head { get; private set; }

    /// <summary><c>call_received</c>: the request as the front end gave it.</summary>
    public Task<bool> ReceivedAsync(ExecRequest request) => TryRecordAsync(new CallReceived(
        request.CommandLine,
        request.WorkingDirectory,
        (long)request.Timeout.TotalMilliseconds,
        request.Justification,
        request.Escalation.ToCode()),
        AuditFlush.WithNextFlush);

    /// <summary><c>call_received</c> for input the front end could not accept: only the command, when one was given.</summary>
    public Task<bool> ReceivedInvalidAsync(string? commandLine) =>
        TryRecordAsync(new CallReceived(commandLine, null, null, null, null), AuditFlush.WithNextFlush);

    /// <summary><c>policy_decision</c>: the evaluation and its evidence (one per attempt the policy judged).</summary>
    /// <remarks>
    /// A decision to ask is flushed at once: what follows it may be the risk assessment, which sends the command to a
    /// model outside this machine, and that must not happen before the call is on disk. A call that asks waits for a
    /// human anyway; the saved flush matters for the calls that run or are refused at once.
    /// </remarks>
    public Task<bool> DecidedAsync(PolicyEvaluation evaluation) => TryRecordAsync(
        PolicyDecided.From(evaluation),
        evaluation.Verdict == PolicyVerdict.Ask ? AuditFlush.BeforeReturning : AuditFlush.WithNextFlush);

    /// <summary><c>assessment</c>: how the risk model answered (not recorded when the assessment is off).</summary>
    public Task<bool> AssessedAsync(AssessmentResult result) => TryRecordAsync(new RiskAssessed(
        result.Status.ToCode(),
        (long)result.Latency.TotalMilliseconds,
        result.Risk?.LevelCode,
        result.Risk?.Category,
        result.Detail),
        AuditFlush.WithNextFlush);

    /// <summary><c>elicitation_sent</c>: a question is about to be put, with the text the channel shows.</summary>
    public Task<bool> QuestionSentAsync(ApprovalQuestion question, string shownText) =>
        TryRecordAsync(new QuestionSent(question.ApprovalId, question.Escalation.ToCode(), shownText), AuditFlush.BeforeReturning);

    /// <summary><c>answer</c>: the outcome of asking, or of the session cache standing in for a question.</summary>
    public Task<bool> AnsweredAsync(ApprovalOutcome answer, string? approvalId) => TryRecordAsync(new AnswerGiven(
        approvalId,
        answer.Decision.ToCode(),
        answer.Source.ToCode(),
        answer.Reason.ToCode(),
        answer.Note,
        answer.AnswerShape),
        AuditFlush.WithNextFlush);

    /// <summary><c>execution_started</c>: the command is about to start, under this sandbox.</summary>
    public Task<bool> StartedAsync(SandboxMode? sandbox, SandboxBackendKind backend) =>
        TryRecordAsync(new ExecutionStarted(sandbox?.ToCode() ?? "none", backend.ToCode()), AuditFlush.BeforeReturning);

    /// <summary><c>execution_finished</c>: how the command ended, and what it changed in repositories.</summary>
    public Task<bool> FinishedAsync(ShellStatus status, ExecutionResult execution, SandboxMode? sandbox, bool sandboxDenied, RepositoryReport? repositories) =>
        TryRecordAsync(new ExecutionFinished(
            status.ToOutcomeCode(),
            execution.ExitCode,
            (long)execution.Duration.TotalMilliseconds,
            sandbox?.ToCode() ?? "none",
            sandboxDenied,
            execution.Truncated,
            execution.Stdout.TotalBytes,
            execution.Stderr.TotalBytes,
            repositories),
        AuditFlush.BeforeReturning);

    /// <summary><c>denial</c>: the call ends without running (or without its retry), and why.</summary>
    public Task<bool> DeniedAsync(string message, ApprovalOutcome? approval) =>
        TryRecordAsync(new CallDenied(approval?.Reason.ToCode(), approval?.Decision.ToCode(), message), AuditFlush.BeforeReturning);

    /// <summary>Appends <paramref name="record"/>'s event, stamped with the call id first; false when it could not be written.</summary>
    /// <param name="record">The event.</param>
    /// <param name="flush">
    /// <see cref="AuditFlush.BeforeReturning"/> for an event something waits on: a command starting, a question put, a
    /// result or denial returned, a model asked. The others (arrival, a decision to run or refuse, assessment, answer)
    /// are always followed by one of those before anything happens, so they reach the disk with it, one <c>fsync</c>
    /// for the lot. Until then they do not move <see cref="Head"/>.
    /// </param>
    public async Task<bool> TryRecordAsync(IAuditRecord record, AuditFlush flush = AuditFlush.BeforeReturning)
    {
        try
        {
            var head = await log.AppendAsync(AuditEvent.For(record, callId), flush, CancellationToken.None).ConfigureAwait(false);
            if (flush == AuditFlush.BeforeReturning)
            {
                Head = head;
            }

            return true;
        }
#pragma warning disable CA1031 // Any failure to write means "not recorded", which the caller turns into a denial.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogAuditFailed(logger, exception, record.EventName);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the audit event {EventName}; the call fails closed")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string eventName);
}
