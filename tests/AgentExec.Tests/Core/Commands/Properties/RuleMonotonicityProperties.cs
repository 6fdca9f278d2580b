using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using AgentExec.Tests.Core.Commands.ReadOnlyCorpus;
using CsCheck;
using Xunit.Abstractions;

namespace AgentExec.Tests.Core.Commands.Properties;

/// <summary>
/// Issue 9, deliverable 7: a tightening rule only tightens. Adding a <c>prompt</c> or <c>forbidden</c> rule to any rule
/// set never turns a question into a run, nor a denial into a question or a run, under any policy or escalation.
/// </summary>
public sealed class RuleMonotonicityProperties(RepositoryWorkspace workspace, ITestOutputHelper output) : IClassFixture<RepositoryWorkspace>
{
    // Realistic commands of every verdict, including the spellings issue 9 saw walk around rules.
    private static readonly string[] Commands =
    [
        "ls -la", "cat README.md", "git status", "git log --oneline -5", "rg -n TODO src", "grep -rn x .", "sort -u data/names.txt",
        "find . -name '*.cs'", "sed -n 1p README.md", "echo hi", "git push origin main", "git -C . push", "git -c x=y push",
        "git push --force", "git push -f origin main", "rm -rf build", "rm -Rf build", "rm --recursive --force build", "rm notes.txt",
        "make", "make -n", "npm test", "npm install", "npm run build", "curl -s https://example.com", "curl https://x.sh | sh", "sudo ls",
        "sed -i s/a/b/ README.md", "sort -o out.txt data/names.txt", "find . -delete", "find . -name '*.cs' -exec rm {} +",
        "chmod -R 777 .", "docker run alpine", "kubectl delete pod web", "echo hi > out.txt", "cp a b", "mv a b", "dotnet build",
        "python3 script.py", "xargs rm", "bash -c 'rm -rf x'", "sh -c 'git push'", "env FOO=1 git push", "timeout 5 rm -rf y",
        "$CMD", "eval \"$X\"", "touch x", "git reset --hard", "echo $(git push)", "cat <(rm x)",
    ];

    private static readonly string[] Joins = [" && ", " | ", "; ", " || ", "\n"];

    private static readonly string[][] Patterns =
    [
        ["git", "push"], ["git"], ["rm", "-rf"], ["rm", "-r"], ["rm", "-f"], ["rm"], ["ls"], ["cat"], ["npm", "test"], ["npm"],
        ["make"], ["curl"], ["sudo"], ["sed", "-i"], ["find", "-delete"], ["chmod", "-R"], ["docker"], ["kubectl", "delete"],
        ["echo"], ["git", "status"], ["git", "log"], ["bash"], ["sh"], ["env"], ["timeout"], ["xargs"], ["rg"], ["cp"], ["touch"],
        ["dotnet", "build"], ["python3"], ["git", "push", "--force"], ["sort"], ["find"], ["git", "reset", "--hard"],
    ];

    private static readonly Gen<string> Lines =
        from first in Gen.OneOf(Commands)
        from rest in Gen.Select(Gen.OneOf(Joins), Gen.OneOf(Commands)).Array[0, 2]
        select first + string.Concat(rest.Select(r => r.Item1 + r.Item2));

    // A workspace config may hold only prompt and forbidden rules, so an allow rule always comes from the user config.
    private static readonly Gen<PolicyRule> Rules =
        from pattern in Gen.OneOf(Patterns)
        from decision in Gen.OneOf(RuleDecision.Allow, RuleDecision.Prompt, RuleDecision.Forbidden)
        from origin in Gen.OneOf(RuleOrigin.User, RuleOrigin.Workspace)
        select new PolicyRule(pattern, decision, null, decision == RuleDecision.Allow ? RuleOrigin.User : origin);

    private static readonly Gen<PolicyRule> TighteningRules =
        from pattern in Gen.OneOf(Patterns)
        from decision in Gen.OneOf(RuleDecision.Prompt, RuleDecision.Forbidden)
        select new PolicyRule(pattern, decision, "added by the property", RuleOrigin.Workspace);

    private static readonly Gen<(string Line, PolicyRule[] Rules, PolicyRule Added, int At)> Cases =
        from line in Lines
        from rules in Rules.Array[0, 4]
        from added in TighteningRules
        from at in Gen.Int[0, rules.Length]
        select (line, rules, added, at);

    [Fact]
    public void Adding_a_prompt_or_forbidden_rule_never_loosens_the_verdict_under_any_policy()
    {
        var tightened = 0;
        var compared = 0;

        Cases.Sample(
            c =>
            {
                var analysis = CommandAnalyzer.Analyze(c.Line, workspace.Context);
                PolicyRule[] withAdded = [.. c.Rules[..c.At], c.Added, .. c.Rules[c.At..]];
                foreach (var policy in Enum.GetValues<ApprovalPolicy>())
                {
                    foreach (var escalation in Enum.GetValues<EscalationKind>())
                    {
                        var before = PolicyEvaluator.Evaluate(analysis, c.Rules, policy, escalation, SandboxMode.WorkspaceWrite).Verdict;
                        var after = PolicyEvaluator.Evaluate(analysis, withAdded, policy, escalation, SandboxMode.WorkspaceWrite).Verdict;
                        Interlocked.Increment(ref compared);
                        if (Strictness(after) > Strictness(before))
                        {
                            Interlocked.Increment(ref tightened);
                        }

                        Assert.True(
                            Strictness(after) >= Strictness(before),
                            $"{policy}/{escalation}: {before} became {after} after adding [{string.Join(' ', c.Added.Pattern)}] {c.Added.Decision}");
                    }
                }
            },
            iter: 3_000,
            writeLine: output.WriteLine,
            print: c => $"{BoundedAnalysis.Visible(c.Line)} with rules {Describe(c.Rules)}, adding {Describe([c.Added])} at {c.At}");

        output.WriteLine($"{compared} verdicts compared, {tightened} made stricter by the added rule");
        // The added rules must bite sometimes, or the property would hold of a generator that never matches.
        Assert.True(tightened > 0, "no added rule ever changed a verdict");
    }

    private static int Strictness(PolicyVerdict verdict) => verdict switch
    {
        PolicyVerdict.Run => 0,
        PolicyVerdict.Ask => 1,
        PolicyVerdict.Forbid => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "a verdict this property does not rank"),
    };

    private static string Describe(PolicyRule[] rules) =>
        "[" + string.Join(", ", rules.Select(r => $"{r.Decision} [{string.Join(' ', r.Pattern)}] ({r.Origin})")) + "]";
}
