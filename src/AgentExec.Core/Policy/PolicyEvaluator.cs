using AgentExec.Core.Approval;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Policy;

/// <summary>
/// The only code that turns a command line into a decision (SPEC.md "Policy", steps 3 and 4): per simple
/// command the strictest matching rule replaces the built-in verdict, and the line takes its strictest part.
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>Judges an analysed command line under the given rules and approval policy.</summary>
    public static PolicyEvaluation Evaluate(
        CommandAnalysis analysis,
        IReadOnlyList<PolicyRule> rules,
        ApprovalPolicy policy,
        EscalationKind escalation)
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

        PolicyEvaluation Result(PolicyVerdict verdict, ApprovalReason? reason) =>
            new(verdict, reason, policy, escalation, analysis, parts, explanation);
    }

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
