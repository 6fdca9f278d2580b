using AgentExec.Core.Approval;

namespace AgentExec.Tests.Fuzz;

/// <summary>What <see cref="ReferenceAnswerTable"/> says an answer decides: the decision, its reason code and the human's note.</summary>
internal sealed record ReferenceVerdict(ApprovalDecision Decision, ApprovalReason Reason, string? Note)
{
    /// <summary>"Everything else is malformed and denied."</summary>
    public static readonly ReferenceVerdict Malformed = new(ApprovalDecision.Denied, ApprovalReason.MalformedResponse, null);

    /// <summary>True when the command may run.</summary>
    public bool Approves => Decision is ApprovalDecision.Approved or ApprovalDecision.ApprovedForSession;
}
