using AgentExec.Core.Assessment;

namespace AgentExec.Core.Approval;

/// <summary>
/// The outcome of asking (or of deciding without asking): the decision, who made it, the reason code,
/// the human's note and the evidence shown with the question.
/// </summary>
/// <param name="Decision">What was decided.</param>
/// <param name="Source">Who decided.</param>
/// <param name="Reason">Why, from the one list of reason codes.</param>
/// <param name="Note">The human's optional note (already cut to 500 code points), or a rule's justification.</param>
/// <param name="Risk">The risk assessment shown with the question, when there was one.</param>
/// <param name="AnswerShape">A short description of the raw answer's shape, for the audit log (never the full raw answer).</param>
public sealed record ApprovalOutcome(
    ApprovalDecision Decision,
    ApprovalSource Source,
    ApprovalReason Reason,
    string? Note = null,
    RiskAssessment? Risk = null,
    string? AnswerShape = null)
{
    /// <summary>True when the command may run.</summary>
    public bool IsApproved => Decision is ApprovalDecision.Approved or ApprovalDecision.ApprovedForSession;

    /// <summary>A denial the policy made by itself (no sandbox, no audit log, the never policy), with a reason.</summary>
    public static ApprovalOutcome DeniedByPolicy(ApprovalReason reason) =>
        new(ApprovalDecision.Denied, ApprovalSource.Policy, reason);

    /// <summary>A denial that came through the approval channel (or failed to), with a reason.</summary>
    public static ApprovalOutcome DeniedByChannel(ApprovalReason reason, string? answerShape = null) =>
        new(ApprovalDecision.Denied, ApprovalSource.User, reason, AnswerShape: answerShape);
}
