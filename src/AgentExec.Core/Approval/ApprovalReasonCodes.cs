using AgentExec.Core.Execution;
namespace AgentExec.Core.Approval;

/// <summary>The wire spelling of decisions, sources and reasons: one place, used by every renderer.</summary>
public static class ApprovalReasonCodes
{
    /// <summary>The snake_case code of a reason (<c>user_approved</c>…).</summary>
    public static string ToCode(this ApprovalReason reason) => reason switch
    {
        ApprovalReason.UserApproved => "user_approved",
        ApprovalReason.UserDeclined => "user_declined",
        ApprovalReason.UserCancelled => "user_cancelled",
        ApprovalReason.MalformedResponse => "malformed_response",
        ApprovalReason.ClientError => "client_error",
        ApprovalReason.NoResponse => "no_response",
        ApprovalReason.Disconnected => "disconnected",
        ApprovalReason.CallCancelled => "call_cancelled",
        ApprovalReason.ClientCannotElicit => "client_cannot_elicit",
        ApprovalReason.TooManyPending => "too_many_pending",
        ApprovalReason.RuleAllow => "rule_allow",
        ApprovalReason.RulePrompt => "rule_prompt",
        ApprovalReason.RuleForbidden => "rule_forbidden",
        ApprovalReason.PolicyNever => "policy_never",
        ApprovalReason.SessionCache => "session_cache",
        ApprovalReason.SandboxUnavailable => "sandbox_unavailable",
        ApprovalReason.AuditUnavailable => "audit_unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown reason"),
    };

    /// <summary>The snake_case code of a decision (<c>approved_for_session</c>…).</summary>
    public static string ToCode(this ApprovalDecision decision) => decision switch
    {
        ApprovalDecision.Approved => "approved",
        ApprovalDecision.ApprovedForSession => "approved_for_session",
        ApprovalDecision.Denied => "denied",
        ApprovalDecision.Abort => "abort",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, "unknown decision"),
    };

    /// <summary>The code of a source (<c>user</c>, <c>session</c>, <c>rule</c>, <c>policy</c>).</summary>
    public static string ToCode(this ApprovalSource source) => source switch
    {
        ApprovalSource.User => "user",
        ApprovalSource.Session => "session",
        ApprovalSource.Rule => "rule",
        ApprovalSource.Policy => "policy",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "unknown source"),
    };

    /// <summary>The code of an escalation (<c>none</c>, <c>require_escalated</c>, <c>retry_without_sandbox</c>).</summary>
    public static string ToCode(this EscalationKind escalation) => escalation switch
    {
        EscalationKind.None => "none",
        EscalationKind.RequireEscalated => "require_escalated",
        EscalationKind.RetryWithoutSandbox => "retry_without_sandbox",
        _ => throw new ArgumentOutOfRangeException(nameof(escalation), escalation, "unknown escalation"),
    };

    /// <summary>Parses a decision code; null when it is not exactly one of the four (case matters).</summary>
    public static ApprovalDecision? ParseDecision(string code) => code switch
    {
        "approved" => ApprovalDecision.Approved,
        "approved_for_session" => ApprovalDecision.ApprovedForSession,
        "denied" => ApprovalDecision.Denied,
        "abort" => ApprovalDecision.Abort,
        _ => null,
    };
}
