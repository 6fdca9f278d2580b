using System.Diagnostics;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// Carries out who-must-approve of an evaluation: nobody, a rule, or a human — through the session cache, the risk
/// assessment and the approval channel, in SPEC.md's order. Never throws for anything the channel does.
/// </summary>
internal sealed class ApprovalStep(PipelineDependencies dependencies, AssessmentStep assessment)
{
    /// <summary>
    /// The approval for the attempt <paramref name="evaluation"/> judged: null when nobody is involved (it runs on the
    /// policy's own say), a rule's approval, a human's answer, or a denial (forbidden, or not approved).
    /// </summary>
    public async Task<ApprovalOutcome?> ApproveAsync(PipelineCall call, PolicyEvaluation evaluation, string? sandboxFailure)
    {
        switch (evaluation.First)
        {
            case { Verdict: PolicyVerdict.Forbid }:
                return new ApprovalOutcome(
                    ApprovalDecision.Denied,
                    evaluation.Reason == ApprovalReason.PolicyNever ? ApprovalSource.Policy : ApprovalSource.Rule,
                    evaluation.Reason ?? ApprovalReason.RuleForbidden,
                    Note: evaluation.RuleJustification);

            case { Approver: Approver.Human }:
                return call.Telemetry.Decided(await AskAsync(call, evaluation, sandboxFailure).ConfigureAwait(false));

            case { Approver: Approver.Rule }:
                return new ApprovalOutcome(ApprovalDecision.Approved, ApprovalSource.Rule, ApprovalReason.RuleAllow, Note: evaluation.RuleJustification);

            case { Verdict: PolicyVerdict.Run, Approver: Approver.Nobody }:
                // The policy lets it run as it is: nobody has to approve.
                return null;

            default:
                // An evaluation this step does not know is never taken for "run": the call fails and nothing runs.
                throw new UnreachableException($"No approval path for the verdict {evaluation.First.Verdict} with the approver {evaluation.First.Approver}.");
        }
    }

    private async Task<ApprovalOutcome> AskAsync(PipelineCall call, PolicyEvaluation evaluation, string? sandboxFailure)
    {
        // SPEC.md "Policy": before any question, a client that cannot ask denies at once (no LLM call; the never
        // policy never gets here, the evaluator forbade); then the session cache; then the risk assessment; then the
        // question.
        if (!call.Channel.CanAsk)
        {
            return ApprovalOutcome.DeniedByChannel(call.Channel.CannotAskReason);
        }

        var settings = dependencies.Settings;
        var request = call.Request;
        var key = new SessionApprovalKey(request.CommandLine, request.WorkingDirectory, settings.Sandbox, evaluation.Escalation);
        if (dependencies.SessionApprovals.Covers(key))
        {
            var cached = new ApprovalOutcome(ApprovalDecision.ApprovedForSession, ApprovalSource.Session, ApprovalReason.SessionCache);
            return await RecordAsync(call, cached, null).ConfigureAwait(false);
        }

        using var place = dependencies.PendingQuestions.TryEnter();
        if (place is null)
        {
            return ApprovalOutcome.DeniedByChannel(ApprovalReason.TooManyPending);
        }

        var risk = await assessment.AssessAsync(call, evaluation.Escalation, sandboxFailure).ConfigureAwait(false);
        var question = new ApprovalQuestion(
            ApprovalQuestion.NewId(),
            request.CallId,
            request.CommandLine,
            ShellArgv.For(request.CommandLine),
            request.WorkingDirectory,
            request.Justification,
            settings.Sandbox,
            dependencies.Sandbox.Backend,
            evaluation.Escalation,
            sandboxFailure,
            risk.Risk,
            evaluation.Explanation,
            evaluation.Analysis.Parts,
            evaluation.Analysis.UnknownReason,
            request.Timeout);

        if (!TryRender(call.Channel, question, out var shown))
        {
            // The channel cannot say what it would show, so no record of the question could be true: nothing is asked.
            return await RecordAsync(call, ApprovalOutcome.DeniedByChannel(ApprovalReason.ClientError, "the channel could not render the question"), question.ApprovalId).ConfigureAwait(false);
        }

        if (!await call.Recorder.QuestionSentAsync(question, shown).ConfigureAwait(false))
        {
            return ApprovalOutcome.DeniedByChannel(ApprovalReason.AuditUnavailable);
        }

        var answer = await PutAsync(call, question).ConfigureAwait(false) with { Risk = risk.Risk };
        var recorded = await RecordAsync(call, answer, question.ApprovalId).ConfigureAwait(false);

        // Remembered only once recorded: an answer the audit log does not hold does not stand (RecordAsync), so it must
        // not stand for the rest of the session either (a review found the next identical call run from the cache).
        if (recorded.Decision == ApprovalDecision.ApprovedForSession)
        {
            dependencies.SessionApprovals.Remember(key);
        }

        return recorded;
    }

    // The channel's answer, held to what this question allows.
    private async Task<ApprovalOutcome> PutAsync(PipelineCall call, ApprovalQuestion question)
    {
        ApprovalOutcome answer;
        call.Telemetry.QuestionSent();
        try
        {
            answer = await call.Channel.AskAsync(question, dependencies.Settings.ApprovalTimeout, call.Cancellation).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The channel must never throw; if one does, that is a failed answer, so deny.
        catch (Exception)
#pragma warning restore CA1031
        {
            answer = ApprovalOutcome.DeniedByChannel(call.Cancellation.IsCancellationRequested ? Cancelled(call) : ApprovalReason.ClientError);
        }

        call.Telemetry.AnswerReceived();

        if (question.IsRetryWithoutSandbox && answer.Decision == ApprovalDecision.ApprovedForSession)
        {
            // The retry question offers only "once"; a "session" answer is accepted as once (SPEC.md "Elicitation").
            answer = answer with { Decision = ApprovalDecision.Approved };
        }

        if (answer.IsApproved && call.Cancellation.IsCancellationRequested)
        {
            // A cancelled call never runs afterwards, whatever the answer.
            answer = ApprovalOutcome.DeniedByChannel(Cancelled(call), answer.AnswerShape);
        }

        return answer;
    }

    // An accept followed at once by the client going away was recorded as call_cancelled half the time (the answer's
    // task and the disconnect raced); the channel knows which it was.
    private static ApprovalReason Cancelled(PipelineCall call) => call.Channel.CancelledBecause ?? ApprovalReason.CallCancelled;

    // Render is a front end's code like AskAsync, and held to the same contract: if it throws, that is a failed answer.
    private static bool TryRender(IApprovalChannel channel, ApprovalQuestion question, out string shown)
    {
        try
        {
            shown = channel.Render(question);
            return true;
        }
#pragma warning disable CA1031 // The channel must never throw; if one does, deny rather than let the call end in an exception.
        catch (Exception)
#pragma warning restore CA1031
        {
            shown = string.Empty;
            return false;
        }
    }

    // An approval that cannot be recorded does not stand: the command would run with no record of who allowed it.
    private static async Task<ApprovalOutcome> RecordAsync(PipelineCall call, ApprovalOutcome answer, string? approvalId) =>
        await call.Recorder.AnsweredAsync(answer, approvalId).ConfigureAwait(false) || !answer.IsApproved
            ? answer
            : ApprovalOutcome.DeniedByChannel(ApprovalReason.AuditUnavailable, answer.AnswerShape);
}
