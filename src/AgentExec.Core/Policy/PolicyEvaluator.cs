using AgentExec.Core.Approval;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Core.Policy;

/// <summary>
/// The only code that turns a command line into a decision (SPEC.md "Policy", steps 3 and 4): per simple
/// command the strictest matching rule replaces the built-in verdict, and the line takes its strictest part. It also
/// decides where the command runs, who must approve it, and whether a sandbox denial may be followed by a retry
/// without the sandbox (step 5), so the pipeline only carries the decision out.
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>Why a retry without the sandbox asks: the only evidence is the command's own output.</summary>
    public const string RetryExplanation =
        "the command failed inside the sandbox and its output looks like a sandbox refusal; the command writes its own output, so this is no proof";

    /// <summary>
    /// Judges an analysed command line under the given rules, approval policy and sandbox mode. With
    /// <see cref="EscalationKind.RetryWithoutSandbox"/> it judges the retry a sandbox denial may be followed by (when
    /// <see cref="PolicyEvaluation.Retry"/> offered one): a second evaluation, with its own reasons, that a human must
    /// approve and that offers no further retry.
    /// </summary>
    public static PolicyEvaluation Evaluate(
        CommandAnalysis analysis,
        IReadOnlyList<PolicyRule> rules,
        ApprovalPolicy policy,
        EscalationKind escalation,
        SandboxMode sandbox)
    {
        var parts = analysis.Parts.Select(part => EvaluatePart(part, rules, lineUnderstood: !analysis.IsUnknown)).ToArray();
        var explanation = new List<string>();

        // Step 4, in SPEC.md's order. Each branch records why, most decisive first.
        var forbidden = parts.Where(p => p.Verdict == PartVerdict.Forbidden).ToArray();
        if (forbidden.Length > 0)
        {
            explanation.AddRange(forbidden.Select(p => p.Explain()));
            return Result(PolicyVerdict.Forbid, ApprovalReason.RuleForbidden);
        }

        var askReasons = QuestionReasons(analysis, parts, policy, escalation);
        if (askReasons.Count > 0)
        {
            if (policy == ApprovalPolicy.Never)
            {
                explanation.Add("the approval policy is never, and this command would need a question:");
                explanation.AddRange(askReasons);
                return Result(PolicyVerdict.Forbid, ApprovalReason.PolicyNever);
            }

            explanation.AddRange(askReasons);
            var byPromptRule = parts.Any(p => p.Verdict == PartVerdict.Prompt);
            return Result(PolicyVerdict.Ask, byPromptRule ? ApprovalReason.RulePrompt : null);
        }

        explanation.AddRange(parts.Select(p => p.Explain()));
        if (analysis.IsUnknown)
        {
            explanation.Add($"not fully understood ({analysis.UnknownReason}); runs only because the {policy.ToCode()} policy does not ask for ordinary commands");
        }

        var allowed = parts.Any(p => p.Verdict == PartVerdict.Allowed);
        return Result(PolicyVerdict.Run, allowed ? ApprovalReason.RuleAllow : null);

        PolicyEvaluation Result(PolicyVerdict verdict, ApprovalReason? reason)
        {
            // Known-safe and allowed mean "no question", never "no sandbox" (step 4): only danger-full-access and an
            // escalation the human approves run outside it.
            var where = escalation != EscalationKind.None || sandbox == SandboxMode.DangerFullAccess
                ? Confinement.Unsandboxed
                : Confinement.Sandboxed;
            var approver = verdict switch
            {
                PolicyVerdict.Ask => Approver.Human,
                PolicyVerdict.Run when reason == ApprovalReason.RuleAllow => Approver.Rule,
                _ => Approver.Nobody,
            };
            var retry = verdict != PolicyVerdict.Forbid && where == Confinement.Sandboxed && OffersRetryWithoutSandbox(policy)
                ? AttemptPlan.RetryWithoutSandbox
                : null;
            return new(new AttemptPlan(verdict, where, approver), reason, policy, escalation, analysis, parts, explanation, retry);
        }
    }

    // SPEC.md step 5: only these two policies follow a sandbox denial with a question; on-request keeps the denial, and
    // never asks nothing.
    private static bool OffersRetryWithoutSandbox(ApprovalPolicy policy) =>
        policy is ApprovalPolicy.OnFailure or ApprovalPolicy.Untrusted;

    // SPEC.md "When in doubt, a tightening rule matches and a loosening rule does not": a forbidden rule
    // that only might match asks instead of denying, and an allow rule needs a line understood whole.
    private static PartEvaluation EvaluatePart(CommandPart part, IReadOnlyList<PolicyRule> rules, bool lineUnderstood)
    {
        (PolicyRule Rule, RuleMatch Match)? forbidden = null, asking = null, allowing = null;
        foreach (var rule in rules)
        {
            if (rule.Decision == RuleDecision.Allow && (!lineUnderstood || allowing is not null))
            {
                continue;
            }

            var match = RuleMatcher.Match(rule, part);
            if (match.Kind == RuleMatchKind.NoMatch)
            {
                continue;
            }

            if (rule.Decision == RuleDecision.Forbidden && match.Kind == RuleMatchKind.Matches)
            {
                forbidden ??= (rule, match);
            }
            else if (rule.Decision != RuleDecision.Allow)
            {
                // A certain prompt says more than a possible one; among possible ones, a forbidden rule says the most.
                if (asking is null || Outranks(rule, match, asking.Value.Rule, asking.Value.Match))
                {
                    asking = (rule, match);
                }
            }
            else if (match.Kind == RuleMatchKind.Matches)
            {
                allowing = (rule, match);
            }
        }

        var decided = forbidden ?? asking ?? allowing;
        var verdict = decided switch
        {
            { Rule.Decision: RuleDecision.Forbidden, Match.Kind: RuleMatchKind.Matches } => PartVerdict.Forbidden,
            { Rule.Decision: RuleDecision.Allow } => PartVerdict.Allowed,
            not null => PartVerdict.Prompt,
            null => part.Safety switch
            {
                CommandSafety.KnownSafe => PartVerdict.KnownSafe,
                CommandSafety.Dangerous => PartVerdict.Dangerous,
                _ => PartVerdict.Ordinary,
            },
        };
        return new PartEvaluation(part, decided?.Rule, verdict) { MatchDoubt = decided?.Match.Doubt };
    }

    private static bool Outranks(PolicyRule rule, RuleMatch match, PolicyRule current, RuleMatch currentMatch)
    {
        if (match.Kind != currentMatch.Kind)
        {
            return match.Kind == RuleMatchKind.Matches;
        }

        return rule.Decision > current.Decision;
    }

    private static List<string> QuestionReasons(
        CommandAnalysis analysis,
        IReadOnlyList<PartEvaluation> parts,
        ApprovalPolicy policy,
        EscalationKind escalation)
    {
        var reasons = parts
            .Where(p => p.Verdict is PartVerdict.Prompt or PartVerdict.Dangerous)
            .Select(p => p.Explain())
            .ToList();

        if (escalation == EscalationKind.RetryWithoutSandbox)
        {
            // Step 5: the retry always asks, first for this reason; what else makes the line ask still shows, and a line
            // read for an unsandboxed run can say more (a credential read bubblewrap no longer hides is dangerous).
            reasons.Insert(0, RetryExplanation);
            return reasons;
        }

        if (escalation == EscalationKind.RequireEscalated)
        {
            reasons.Add("the agent asked to run this command outside the sandbox");
        }

        if (policy == ApprovalPolicy.Untrusted)
        {
            // Under untrusted only known-safe (or rule-allowed) parts pass; a line the parser could not
            // fully account for may hide anything, whatever its understood parts are.
            reasons.AddRange(parts
                .Where(p => p.Verdict is PartVerdict.Ordinary)
                .Select(p => $"{p.Explain()}: the untrusted policy asks for anything not known to be read-only"));
            if (analysis.IsUnknown)
            {
                reasons.Add($"the command line is not fully understood ({analysis.UnknownReason}): the untrusted policy asks");
            }
            else if (analysis.Parts.Count == 0)
            {
                reasons.Add("the command line holds no command the parser recognised: the untrusted policy asks");
            }
        }

        return reasons;
    }
}
