namespace AgentExec.Core.Approval;

/// <summary>
/// The one list of reason codes used by results, the audit log and <c>check</c> (SPEC.md <c>reason</c>).
/// <see cref="ApprovalReasonCodes"/> renders them on the wire.
/// </summary>
public enum ApprovalReason
{
    /// <summary>The human approved.</summary>
    UserApproved,

    /// <summary>The human declined.</summary>
    UserDeclined,

    /// <summary>The human cancelled: abort.</summary>
    UserCancelled,

    /// <summary>The answer matched no row of the answer table.</summary>
    MalformedResponse,

    /// <summary>The client answered with a JSON-RPC error, or the channel failed unexpectedly.</summary>
    ClientError,

    /// <summary>No answer in time, or no terminal to ask on.</summary>
    NoResponse,

    /// <summary>The client went away while the question was open.</summary>
    Disconnected,

    /// <summary>The call was cancelled while its question was open (an MCP client cancelled its request, or <c>agentexec run</c> was interrupted).</summary>
    CallCancelled,

    /// <summary>The client has no elicitation capability, so nobody can be asked.</summary>
    ClientCannotElicit,

    /// <summary>Too many questions were already waiting.</summary>
    TooManyPending,

    /// <summary>An <c>allow</c> rule matched.</summary>
    RuleAllow,

    /// <summary>A <c>prompt</c> rule matched.</summary>
    RulePrompt,

    /// <summary>A <c>forbidden</c> rule matched.</summary>
    RuleForbidden,

    /// <summary>The policy is <c>never</c> and a question would have been needed.</summary>
    PolicyNever,

    /// <summary>An earlier <c>approved_for_session</c> answer covers this request.</summary>
    SessionCache,

    /// <summary>The sandbox the command needs cannot be provided.</summary>
    SandboxUnavailable,

    /// <summary>The audit event could not be written, so the command may not proceed.</summary>
    AuditUnavailable,
}
