using AgentExec.Core.Approval;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Policy;

/// <summary>
/// The policy's judgement of one command line, with all the evidence that produced it. The question, the
/// tool result, <c>check</c> and the audit record are all rendered from this one value.
/// </summary>
/// <param name="First">What happens to the command: whether it runs, where, and who must approve it first.</param>
/// <param name="Reason">The reason code when a rule or the policy itself decided (<c>rule_forbidden</c>, <c>policy_never</c>, <c>rule_prompt</c>, <c>rule_allow</c>); null when only built-in classification was involved.</param>
/// <param name="Policy">The approval policy it was judged under.</param>
/// <param name="Escalation">The escalation that was requested.</param>
/// <param name="Analysis">What the parser understood of the line.</param>
/// <param name="Parts">Each simple command's verdict and the rule behind it.</param>
/// <param name="Explanation">The reason chain, most decisive first, one line each.</param>
/// <param name="Retry">
/// What may follow when the sandbox denies the first attempt: a retry without the sandbox, which a human must approve
/// in a second, separate question (SPEC.md step 5); null when no retry is offered. When one is, it is judged again (with
/// <see cref="EscalationKind.RetryWithoutSandbox"/>), which gives it its own reasons and its own audit record.
/// </param>
public sealed record PolicyEvaluation(
    AttemptPlan First,
    ApprovalReason? Reason,
    ApprovalPolicy Policy,
    EscalationKind Escalation,
    CommandAnalysis Analysis,
    IReadOnlyList<PartEvaluation> Parts,
    IReadOnlyList<string> Explanation,
    AttemptPlan? Retry)
{
    /// <summary>Run, ask or forbid: the first attempt's verdict.</summary>
    public PolicyVerdict Verdict => First.Verdict;

    /// <summary>The justifications of the rules that decided, joined; null when there are none.</summary>
    public string? RuleJustification
    {
        get
        {
            var texts = Parts
                .Where(p => p.Rule?.Justification is { Length: > 0 } && IsDecisive(p))
                .Select(p => p.Rule!.Justification!)
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            return texts.Length == 0 ? null : string.Join("; ", texts);
        }
    }

    /// <summary>True when an <c>allow</c> rule let the line run without a question.</summary>
    public bool AllowedByRule => First.Approver == Approver.Rule;

    private bool IsDecisive(PartEvaluation part) => Verdict switch
    {
        PolicyVerdict.Forbid => part.Verdict == PartVerdict.Forbidden,
        PolicyVerdict.Ask => part.Verdict == PartVerdict.Prompt,
        _ => part.Verdict == PartVerdict.Allowed,
    };
}
