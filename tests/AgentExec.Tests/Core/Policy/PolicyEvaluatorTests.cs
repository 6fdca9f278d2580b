using AgentExec.Core.Approval;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Policy;

public sealed class PolicyEvaluatorTests
{
    private static readonly CommandPart Ls = Part("ls -la", "ls", ["-la"], CommandSafety.KnownSafe, "read-only command");
    private static readonly CommandPart RmRf = Part("rm -rf build", "rm", ["-rf", "build"], CommandSafety.Dangerous, "rm with -r/-f");
    private static readonly CommandPart Make = Part("make", "make", [], CommandSafety.Ordinary, "not a known read-only command");
    private static readonly CommandPart GitPush = Part("git push origin main", "git", ["push", "origin", "main"], CommandSafety.Ordinary, "not a known read-only command");

    [Fact]
    public void Forbidden_rule_wins_when_an_allow_rule_also_matches()
    {
        var allow = Rule(RuleDecision.Allow, "rm");
        var forbid = Rule(RuleDecision.Forbidden, "rm", "-fr");
        var analysis = Line("ls -la && rm -rf build", Ls, RmRf);

        var evaluation = PolicyEvaluator.Evaluate(analysis, [allow, forbid], ApprovalPolicy.OnRequest, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Forbid, evaluation.Verdict);
        Assert.Equal(ApprovalReason.RuleForbidden, evaluation.Reason);
        Assert.Equal(
            [new PartEvaluation(Ls, null, PartVerdict.KnownSafe), new PartEvaluation(RmRf, forbid, PartVerdict.Forbidden)],
            evaluation.Parts);
        Assert.Equal(["`rm -rf build`: rule [rm -fr] says forbidden: because"], evaluation.Explanation);
    }

    [Fact]
    public void A_workspace_rules_justification_is_shown_as_the_workspaces_text_not_as_the_reason()
    {
        // The agent can write the workspace config, so its justification is the agent's text.
        var prompt = new PolicyRule(["git", "push"], RuleDecision.Prompt, "PRE-APPROVED by the security team", RuleOrigin.Workspace);

        var evaluation = PolicyEvaluator.Evaluate(Line("git push origin main", GitPush), [prompt], ApprovalPolicy.OnRequest, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
        Assert.Equal(
            ["`git push origin main`: rule [git push] says prompt (justification written in a config inside the workspace, which the agent can write: \"PRE-APPROVED by the security team\")"],
            evaluation.Explanation);
    }

    [Fact]
    public void Dangerous_part_of_a_compound_line_asks_under_on_failure()
    {
        var evaluation = PolicyEvaluator.Evaluate(Line("ls -la && rm -rf build", Ls, RmRf), [], ApprovalPolicy.OnFailure, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
        Assert.Null(evaluation.Reason);
        Assert.Equal(["`rm -rf build`: rm with -r/-f (dangerous)"], evaluation.Explanation);
    }

    [Fact]
    public void Never_denies_what_would_have_asked_with_policy_never()
    {
        var evaluation = PolicyEvaluator.Evaluate(Line("rm -rf build", RmRf), [], ApprovalPolicy.Never, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Forbid, evaluation.Verdict);
        Assert.Equal(ApprovalReason.PolicyNever, evaluation.Reason);
    }

    [Fact]
    public void Never_runs_an_ordinary_command_in_the_sandbox_without_asking()
    {
        var evaluation = PolicyEvaluator.Evaluate(Line("make", Make), [], ApprovalPolicy.Never, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Run, evaluation.Verdict);
        Assert.Null(evaluation.Reason);
    }

    [Fact]
    public void Prompt_rule_asks_even_under_on_request_and_carries_its_justification()
    {
        var prompt = Rule(RuleDecision.Prompt, "git", "push") with { Justification = "pushes leave the machine" };

        var evaluation = PolicyEvaluator.Evaluate(Line("git push origin main", GitPush), [prompt], ApprovalPolicy.OnRequest, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
        Assert.Equal(ApprovalReason.RulePrompt, evaluation.Reason);
        Assert.Equal("pushes leave the machine", evaluation.RuleJustification);
    }

    [Fact]
    public void Untrusted_asks_for_an_ordinary_command_but_not_for_a_known_safe_one()
    {
        var ordinary = PolicyEvaluator.Evaluate(Line("make", Make), [], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);
        var safe = PolicyEvaluator.Evaluate(Line("ls -la", Ls), [], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Ask, ordinary.Verdict);
        Assert.Equal(PolicyVerdict.Run, safe.Verdict);
        Assert.Null(safe.Reason);
    }

    [Fact]
    public void Untrusted_asks_for_a_line_it_could_not_fully_understand_even_when_every_understood_part_is_safe()
    {
        var analysis = Line("ls -la; if true; then x; fi", Ls) with { UnknownReason = "if/then is not supported" };

        var evaluation = PolicyEvaluator.Evaluate(analysis, [], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
    }

    [Fact]
    public void Allow_rule_lets_an_untrusted_ordinary_command_run_and_says_so()
    {
        var allow = Rule(RuleDecision.Allow, "make");

        var evaluation = PolicyEvaluator.Evaluate(Line("make", Make), [allow], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Run, evaluation.Verdict);
        Assert.Equal(ApprovalReason.RuleAllow, evaluation.Reason);
        Assert.True(evaluation.AllowedByRule);
    }

    [Fact]
    public void Escalation_request_asks_even_for_a_known_safe_command()
    {
        var evaluation = PolicyEvaluator.Evaluate(Line("ls -la", Ls), [], ApprovalPolicy.OnRequest, EscalationKind.RequireEscalated, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
        Assert.Equal(["the agent asked to run this command outside the sandbox"], evaluation.Explanation);
    }

    [Fact]
    public void An_allow_rule_for_one_part_does_not_cover_a_dangerous_sibling()
    {
        var allow = Rule(RuleDecision.Allow, "make");

        var evaluation = PolicyEvaluator.Evaluate(Line("make && rm -rf build", Make, RmRf), [allow], ApprovalPolicy.OnFailure, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
    }

    [Theory]
    [InlineData(new[] { "rm", "-rf" }, new[] { "-fr", "x" }, true)]
    [InlineData(new[] { "rm", "-rf" }, new[] { "-r", "-f", "x" }, true)]
    [InlineData(new[] { "rm", "-rf" }, new[] { "-rfv", "x" }, true)]
    [InlineData(new[] { "rm", "-rf" }, new[] { "x", "-rf" }, true)]
    [InlineData(new[] { "rm", "-rf" }, new[] { "-r", "x" }, false)]
    [InlineData(new[] { "rm", "-rf", "/" }, new[] { "-rf", "/" }, true)]
    [InlineData(new[] { "rm", "-rf", "/" }, new[] { "-rf", "/home" }, false)]
    [InlineData(new[] { "git", "push" }, new[] { "push", "--force", "origin" }, true)]
    [InlineData(new[] { "git", "push" }, new[] { "pull" }, false)]
    [InlineData(new[] { "git", "push", "origin" }, new[] { "push" }, false)]
    [InlineData(new[] { "/bin/rm", "-r" }, new[] { "-r", "x" }, true)]
    [InlineData(new[] { "rm", "--force" }, new[] { "-f", "x" }, true)]
    [InlineData(new[] { "rm", "x" }, new[] { "--", "x" }, true)]
    public void Rule_patterns_match_flags_as_sets_and_operands_as_a_prefix(string[] pattern, string[] arguments, bool matches)
    {
        var rule = new PolicyRule(pattern, RuleDecision.Prompt, null, RuleOrigin.User);
        var part = Part(string.Join(' ', arguments), "rm", arguments, CommandSafety.Ordinary, "x") with
        {
            Program = pattern[0].Split('/')[^1],
        };

        Assert.Equal(matches, RuleMatcher.Matches(rule, part));
    }

    [Fact]
    public void Forbidden_rule_that_only_might_match_a_run_time_word_asks_and_says_why()
    {
        var forbid = Rule(RuleDecision.Forbidden, "rm", "-rf");
        var part = Part("rm $FLAGS x", "rm", ["$FLAGS", "x"], CommandSafety.Dangerous, "rm with an argument expanded at run time (could be -r/-f)")
            with { FixedArguments = [false, true] };

        var evaluation = PolicyEvaluator.Evaluate(Line("rm $FLAGS x", part), [forbid], ApprovalPolicy.OnRequest, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
        Assert.Equal(ApprovalReason.RulePrompt, evaluation.Reason);
        Assert.Equal(
            [new PartEvaluation(part, forbid, PartVerdict.Prompt) { MatchDoubt = "an argument is only known at run time" }],
            evaluation.Parts);
        Assert.Equal(
            ["`rm $FLAGS x`: might match rule [rm -rf] (forbidden) because an argument is only known at run time, so it asks: because"],
            evaluation.Explanation);
    }

    [Fact]
    public void Forbidden_rule_that_only_might_match_is_denied_under_never_as_a_question_not_as_the_rule()
    {
        var forbid = Rule(RuleDecision.Forbidden, "git", "push");
        var part = Part("$G push", "$G", ["push"], CommandSafety.Dangerous, "runs a program whose name is computed at run time")
            with { ProgramIsFixed = false };

        var evaluation = PolicyEvaluator.Evaluate(Line("$G push", part), [forbid], ApprovalPolicy.Never, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Forbid, evaluation.Verdict);
        Assert.Equal(ApprovalReason.PolicyNever, evaluation.Reason);
    }

    [Fact]
    public void Certain_prompt_rule_is_reported_before_a_forbidden_rule_that_only_might_match()
    {
        var forbid = Rule(RuleDecision.Forbidden, "rm", "-rf");
        var prompt = Rule(RuleDecision.Prompt, "rm");
        var part = Part("rm $FLAGS x", "rm", ["$FLAGS", "x"], CommandSafety.Dangerous, "x") with { FixedArguments = [false, true] };

        var evaluation = PolicyEvaluator.Evaluate(Line("rm $FLAGS x", part), [forbid, prompt], ApprovalPolicy.OnRequest, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal([new PartEvaluation(part, prompt, PartVerdict.Prompt)], evaluation.Parts);
    }

    [Fact]
    public void Allow_rule_does_not_apply_to_a_part_the_parser_did_not_fully_understand()
    {
        var allow = Rule(RuleDecision.Allow, "make");
        var part = Make with { IsUnderstood = false };

        var evaluation = PolicyEvaluator.Evaluate(Line("make", part), [allow], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
        Assert.Null(evaluation.Parts[0].Rule);
    }

    [Theory]
    [InlineData("sudo npm test")]
    [InlineData("sudo -i npm test")]
    [InlineData("doas npm test")]
    [InlineData("pkexec npm test")]
    [InlineData("chroot / npm test")]
    public void Allow_rule_does_not_take_away_the_danger_of_running_as_another_user_or_root(string line)
    {
        // SPEC.md: sudo itself is dangerous. An allow rule for "npm test" is not one for "npm test" as root, even where
        // nothing is sandboxed.
        var evaluation = PolicyEvaluator.Evaluate(CommandAnalyzer.Analyze(line), [Rule(RuleDecision.Allow, "npm", "test")], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.DangerFullAccess);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
        Assert.False(evaluation.AllowedByRule);
        Assert.Equal(PartVerdict.Dangerous, Assert.Single(evaluation.Parts).Verdict);
    }

    [Fact]
    public void Allow_rule_does_not_apply_to_a_part_whose_surroundings_change_how_it_runs()
    {
        var allow = Rule(RuleDecision.Allow, "make");
        var wrapped = Make with { RunsUnchangedBySurroundings = false };

        var evaluation = PolicyEvaluator.Evaluate(Line("A=1 make", wrapped), [allow], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
        Assert.False(evaluation.AllowedByRule);
    }

    [Fact]
    public void Allow_rule_does_not_apply_on_a_line_that_is_not_fully_understood()
    {
        var allow = Rule(RuleDecision.Allow, "make");
        var analysis = Line("make; alias make=rm", Make) with { UnknownReason = "alias changes what later commands run" };

        var evaluation = PolicyEvaluator.Evaluate(analysis, [allow], ApprovalPolicy.OnFailure, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PartVerdict.Ordinary, evaluation.Parts[0].Verdict);
        Assert.False(evaluation.AllowedByRule);
    }

    [Fact]
    public void Part_built_without_fixedness_counts_as_dynamic_so_a_forbidden_rule_only_might_match()
    {
        var forbid = Rule(RuleDecision.Forbidden, "rm", "-rf");
        var bare = new CommandPart("rm -rf x", "rm", ["-rf", "x"], [], CommandSafety.Dangerous, "rm with -r/-f", 0);

        var evaluation = PolicyEvaluator.Evaluate(Line("rm -rf x", bare), [forbid], ApprovalPolicy.OnRequest, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal(PolicyVerdict.Ask, evaluation.Verdict);
    }

    public static TheoryData<string, ApprovalPolicy, EscalationKind, SandboxMode, string, string?> Plans => new()
    {
        // line, policy, escalation, sandbox mode → first attempt (verdict/where/approver), retry offered (or null)
        { "make", ApprovalPolicy.OnFailure, EscalationKind.None, SandboxMode.WorkspaceWrite, "run/sandboxed/nobody", "ask/unsandboxed/human" },
        { "make", ApprovalPolicy.OnRequest, EscalationKind.None, SandboxMode.WorkspaceWrite, "run/sandboxed/nobody", null },
        { "make", ApprovalPolicy.Never, EscalationKind.None, SandboxMode.ReadOnly, "run/sandboxed/nobody", null },
        { "make", ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite, "ask/sandboxed/human", "ask/unsandboxed/human" },
        { "ls -la", ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.ReadOnly, "run/sandboxed/nobody", "ask/unsandboxed/human" },
        { "rm -rf build", ApprovalPolicy.OnFailure, EscalationKind.None, SandboxMode.WorkspaceWrite, "ask/sandboxed/human", "ask/unsandboxed/human" },
        { "rm -rf build", ApprovalPolicy.Never, EscalationKind.None, SandboxMode.WorkspaceWrite, "forbid/sandboxed/nobody", null },
        { "ls -la", ApprovalPolicy.OnRequest, EscalationKind.RequireEscalated, SandboxMode.WorkspaceWrite, "ask/unsandboxed/human", null },
        { "ls -la", ApprovalPolicy.OnFailure, EscalationKind.RequireEscalated, SandboxMode.WorkspaceWrite, "ask/unsandboxed/human", null },
        { "make", ApprovalPolicy.OnFailure, EscalationKind.None, SandboxMode.DangerFullAccess, "run/unsandboxed/nobody", null },
        { "make", ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.DangerFullAccess, "ask/unsandboxed/human", null },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void The_evaluation_says_whether_where_and_who_for_the_first_attempt_and_for_a_retry(
        string line, ApprovalPolicy policy, EscalationKind escalation, SandboxMode mode, string first, string? retry)
    {
        var part = line switch
        {
            "make" => Make,
            "ls -la" => Ls,
            _ => RmRf,
        };

        var evaluation = PolicyEvaluator.Evaluate(Line(line, part), [], policy, escalation, mode);

        Assert.Equal(first, Describe(evaluation.First));
        Assert.Equal(retry, evaluation.Retry is { } plan ? Describe(plan) : null);
    }

    [Fact]
    public void An_allow_rule_is_who_approves_and_the_command_still_runs_in_the_sandbox()
    {
        var evaluation = PolicyEvaluator.Evaluate(Line("make", Make), [Rule(RuleDecision.Allow, "make")], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

        Assert.Equal("run/sandboxed/rule", Describe(evaluation.First));
        Assert.Equal("run_sandboxed", evaluation.First.ToDecisionCode());
    }

    [Fact]
    public void A_forbidden_rule_offers_no_retry_and_forbids_the_retry_too()
    {
        var forbid = Rule(RuleDecision.Forbidden, "rm", "-rf");

        var evaluation = PolicyEvaluator.Evaluate(Line("rm -rf build", RmRf), [forbid], ApprovalPolicy.OnFailure, EscalationKind.None, SandboxMode.WorkspaceWrite);
        var retry = PolicyEvaluator.Evaluate(Line("rm -rf build", RmRf), [forbid], ApprovalPolicy.OnFailure, EscalationKind.RetryWithoutSandbox, SandboxMode.WorkspaceWrite);

        Assert.Equal(("forbid/sandboxed/nobody", "forbidden"), (Describe(evaluation.First), evaluation.First.ToDecisionCode()));
        Assert.Null(evaluation.Retry);
        Assert.Equal(("forbid/unsandboxed/nobody", ApprovalReason.RuleForbidden), (Describe(retry.First), retry.Reason));
    }

    [Fact]
    public void A_retry_is_a_second_evaluation_with_its_own_reasons_that_a_human_must_approve()
    {
        var first = PolicyEvaluator.Evaluate(Line("make", Make), [], ApprovalPolicy.OnFailure, EscalationKind.None, SandboxMode.WorkspaceWrite);

        var retry = PolicyEvaluator.Evaluate(Line("make", Make), [], ApprovalPolicy.OnFailure, EscalationKind.RetryWithoutSandbox, SandboxMode.WorkspaceWrite);

        Assert.Equal("ask/unsandboxed/human", Describe(AttemptPlan.RetryWithoutSandbox));
        Assert.Equal((first.Retry, AttemptPlan.RetryWithoutSandbox), (retry.First, first.Retry));
        Assert.Equal(EscalationKind.RetryWithoutSandbox, retry.Escalation);
        Assert.Equal([PolicyEvaluator.RetryExplanation], retry.Explanation);
        Assert.Null(retry.Retry);
    }

    [Fact]
    public void A_retry_keeps_the_reasons_a_dangerous_part_gives_after_its_own()
    {
        var retry = PolicyEvaluator.Evaluate(Line("ls -la && rm -rf build", Ls, RmRf), [], ApprovalPolicy.Untrusted, EscalationKind.RetryWithoutSandbox, SandboxMode.WorkspaceWrite);

        Assert.Equal([PolicyEvaluator.RetryExplanation, "`rm -rf build`: rm with -r/-f (dangerous)"], retry.Explanation);
    }

    private static string Describe(AttemptPlan plan) =>
        $"{plan.Verdict.ToCode()}/{plan.Where.ToCode()}/{plan.Approver.ToCode()}";

    private static CommandAnalysis Line(string text, params CommandPart[] parts) => new(text, parts, [], null);

    // A part as the parser reports a fully understood one written with a bare program name and fixed words, with no
    // variable or wrapper around it.
    private static CommandPart Part(string text, string program, string[] arguments, CommandSafety safety, string reason) =>
        new(text, program, arguments, [], safety, reason, 0)
        {
            ProgramIsFixed = true,
            ProgramIsBareName = true,
            FixedArguments = [.. arguments.Select(_ => true)],
            IsUnderstood = true,
            RunsUnchangedBySurroundings = true,
        };

    private static PolicyRule Rule(RuleDecision decision, params string[] pattern) =>
        new(pattern, decision, decision == RuleDecision.Forbidden ? "because" : null, RuleOrigin.User);
}
