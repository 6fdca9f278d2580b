using AgentExec.Core.Approval;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// How a call ends without its command running: the result the agent gets (with the sentence it reads) and the
/// <c>denial</c> event. Every sentence the agent can be told about a denial is here.
/// </summary>
internal static class Denials
{
    /// <summary>Said in the result when a command ran but its <c>execution_finished</c> event could not be written.</summary>
    public const string FinishUnrecorded = "The audit log could not record how this command ended (audit_unavailable); its start is recorded.";

    /// <summary>Records the denial and returns the result for a command that did not run.</summary>
    public static async Task<ShellResult> DenyAsync(CallRecorder recorder, ShellStatus status, string message, ApprovalOutcome? approval, PolicyEvaluation? evaluation)
    {
        await recorder.DeniedAsync(message, approval).ConfigureAwait(false);
        return ShellResult.NotRun(status, message, approval, evaluation) with { AuditHead = recorder.Head };
    }

    /// <summary>A denial the approval outcome explains (a forbidding rule or policy, or a human's or channel's answer).</summary>
    public static Task<ShellResult> NotApprovedAsync(CallRecorder recorder, ApprovalOutcome outcome, PolicyEvaluation evaluation) =>
        DenyAsync(recorder, ShellStatus.Denied, Explain(outcome, evaluation), outcome, evaluation);

    /// <summary>The command could not start: no sandbox, no limits, a sandbox that could not be prepared.</summary>
    public static Task<ShellResult> CannotStartAsync(CallRecorder recorder, string message, PolicyEvaluation? evaluation) =>
        DenyAsync(recorder, ShellStatus.FailedToStart, message, ApprovalOutcome.DeniedByPolicy(ApprovalReason.SandboxUnavailable), evaluation);

    /// <summary>The sandbox the evaluation placed the command in is not available on this machine.</summary>
    public static Task<ShellResult> SandboxUnavailableAsync(CallRecorder recorder, SandboxSelection sandbox, PolicyEvaluation evaluation) =>
        CannotStartAsync(recorder, sandbox.UnavailableReason ?? "sandbox not available", evaluation);

    /// <summary>The call was cancelled before its command started.</summary>
    public static Task<ShellResult> CancelledBeforeStartAsync(CallRecorder recorder, PolicyEvaluation evaluation) =>
        DenyAsync(
            recorder,
            ShellStatus.Denied,
            "The call was cancelled before the command started; it did not run.",
            ApprovalOutcome.DeniedByChannel(ApprovalReason.CallCancelled),
            evaluation);

    /// <summary>
    /// The result when an event that must precede an action could not be written. Nothing more is recorded: the log
    /// that just failed is the only place it could go.
    /// </summary>
    public static ShellResult AuditUnavailable(CallRecorder recorder, PolicyEvaluation? evaluation) =>
        ShellResult.NotRun(
            ShellStatus.Denied,
            "The audit log could not be written, so the command was not run (audit_unavailable).",
            ApprovalOutcome.DeniedByPolicy(ApprovalReason.AuditUnavailable),
            evaluation) with { AuditHead = recorder.Head };

    /// <summary>The sandboxed attempt's result, now denied because its retry without the sandbox was not approved.</summary>
    public static async Task<ShellResult> RetryNotApprovedAsync(CallRecorder recorder, ShellResult sandboxed, ApprovalOutcome outcome, PolicyEvaluation first)
    {
        var message = "The command failed inside the sandbox and its output looks like the sandbox blocked it; running it without the sandbox was not approved ("
            + outcome.Reason.ToCode() + "). " + Explain(outcome, first);
        await recorder.DeniedAsync(message, outcome).ConfigureAwait(false);
        return sandboxed with { Status = ShellStatus.Denied, Approval = outcome, Message = message, AuditHead = recorder.Head };
    }

    /// <summary>
    /// An answer that arrived as a call of its own and matched no open question of that call (see
    /// <see cref="UnmatchedAnswer"/>): recorded as a denial of that call, with nothing run.
    /// </summary>
    public static Task<ShellResult> UnmatchedAnswerAsync(CallRecorder recorder, UnmatchedAnswer why)
    {
        var (reason, message) = why switch
        {
            UnmatchedAnswer.DifferentCall => (
                ApprovalReason.MalformedResponse,
                "This retry answers an approval question that was asked about a different call (its command, working directory, "
                + "timeout, justification or escalation differ), so nothing was run and no other call's result is returned. "
                + "Retry with exactly the arguments of the call that was asked about."),
            _ => (
                ApprovalReason.NoResponse,
                "The approval question this retry answers is no longer open (it was answered, timed out or was cancelled, or it "
                + "never existed), so nothing was run. Call the tool again to be asked again."),
        };
        return DenyAsync(recorder, ShellStatus.Denied, message, ApprovalOutcome.DeniedByChannel(reason), null);
    }

    private static string Explain(ApprovalOutcome outcome, PolicyEvaluation evaluation)
    {
        var why = outcome.Reason switch
        {
            ApprovalReason.RuleForbidden => "A forbidden rule matches this command.",
            ApprovalReason.PolicyNever => "The approval policy is never, and this command would need a human's approval.",
            ApprovalReason.UserDeclined => "The user declined to run this command.",
            ApprovalReason.UserCancelled => "The user aborted. Stop, and wait for the user's instructions before doing anything else.",
            ApprovalReason.MalformedResponse => "The approval answer was malformed, so the command was denied.",
            ApprovalReason.ClientError => "The client answered the approval request with an error, so the command was denied.",
            ApprovalReason.NoResponse => "Nobody answered the approval request (no answer in time, or no terminal to ask on), so the command was denied.",
            ApprovalReason.Disconnected => "The client disconnected while the approval was pending; the command did not run.",
            ApprovalReason.CallCancelled => "The call was cancelled while the approval was pending; the command did not run.",
            ApprovalReason.ClientCannotElicit => "This command needs a human's approval, but the client cannot ask (no elicitation support).",
            ApprovalReason.TooManyPending => "Too many approval requests are already waiting; try again later.",
            ApprovalReason.AuditUnavailable => "The audit log could not be written, so the command was not run.",
            ApprovalReason.SandboxUnavailable => "The sandbox is not available.",
            _ => "The command was denied.",
        };

        if (outcome.Decision == ApprovalDecision.Abort && outcome.Reason != ApprovalReason.UserCancelled)
        {
            why += " The user aborted: stop, and wait for the user's instructions before doing anything else.";
        }

        var justification = evaluation.RuleJustification;
        return justification is null ? why : $"{why} Rule: {justification}";
    }
}
