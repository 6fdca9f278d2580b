using AgentExec.Core.Approval;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Policy;

/// <summary>
/// The policy's judgement of one command line, with all the evidence that produced it. The question, the
/// tool result, <c>check</c> and the audit record are all rendered from this one value.
/// </summary>
/// <param name="Verdict">Run, ask or forbid.</param>
/// <param name="Reason">The reason code when a rule or the policy itself decided (<c>rule_forbidden</c>, <c>policy_never</c>, <c>rule_prompt</c>, <c>rule_allow</c>); null when only built-in classification was involved.</param>
/// <param name="Policy">The approval policy it was judged under.</param>
/// <param name="Escalation">The escalation that was requested.</param>
/// <param name="Analysis">What the parser understood of the line.</param>
/// <param name="Parts">Each simple command's verdict and the rule behind it.</param>
/// <param name="Explanation">The reason chain, most decisive first, one line each.</param>
public sealed record PolicyEvaluation(
    PolicyVerdict Verdict,
    ApprovalReason? Reason,
    ApprovalPolicy Policy,
    EscalationKind Escalation,
    CommandAnalysis Analysis,
    IReadOnlyList<PartEvaluation> Parts,
    IReadOnlyList<string> Explanation)
{
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

    /// <summary>True when at least one <c>allow</c> rule took part in letting the line run.</summary>
    public bool AllowedByRule => Parts.Any(p => p.Verdict == PartVerdict.Allowed);

    private bool IsDecisive(PartEvaluation part) => Verdict switch
    {
        PolicyVerdict.Forbid => part.Verdict == PartVerdict.Forbidden,
        PolicyVerdict.Ask => part.Verdict == PartVerdict.Prompt,
        _ => part.Verdict == PartVerdict.Allowed,
    };
}
