using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// The one definition of "known-safe" that the property tests and the read-only corpus judge by: the line runs with
/// no question under <c>untrusted</c>, with no rules and no escalation (SPEC.md "Policy", steps 3a and 4).
/// </summary>
/// <remarks>
/// Kept in one place so that the judge can be re-pointed (a stricter context, a different entry point) without
/// touching the tests that rely on it. The context is a workspace the agent can write, a home directory apart from
/// it, the usual system <c>PATH</c>, and a sandbox that hides the credentials, so that only the line decides.
/// </remarks>
internal static class KnownSafeJudge
{
    /// <summary>The <c>PATH</c> every judged line searches: system directories only, none of them writable by the agent.</summary>
    public const string SearchPath = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>The context a line is judged in: it starts in <paramref name="directory"/>, the one writable root.</summary>
    /// <remarks>
    /// The directory and the home live under the temporary directory, which a real machine shares with every user; here
    /// they stand for a workspace and a home of the user's own, so no directory is counted as shared.
    /// </remarks>
    public static AnalysisContext ContextFor(string directory, string home) =>
        new(directory, home, SearchPath, [directory], CredentialList.For(home), CredentialsHidden: true) { SharedDirectories = [] };

    /// <summary>The whole evaluation of <paramref name="line"/>, for tests that print why a line is not known-safe.</summary>
    public static PolicyEvaluation Evaluate(string line, AnalysisContext context) => Evaluate(CommandAnalyzer.Analyze(line, context));

    /// <summary>The same judgement of a line analysed already (in whatever context the test chose).</summary>
    public static PolicyEvaluation Evaluate(CommandAnalysis analysis) =>
        PolicyEvaluator.Evaluate(analysis, [], ApprovalPolicy.Untrusted, EscalationKind.None, SandboxMode.WorkspaceWrite);

    /// <summary>True when <paramref name="line"/> would run with no question under <c>untrusted</c>.</summary>
    public static bool IsKnownSafe(string line, AnalysisContext context) => IsKnownSafe(CommandAnalyzer.Analyze(line, context));

    /// <summary>True when the analysed line would run with no question under <c>untrusted</c>.</summary>
    public static bool IsKnownSafe(CommandAnalysis analysis) => Evaluate(analysis).Verdict == PolicyVerdict.Run;

    /// <summary>Why <paramref name="evaluation"/> is not a run: each part that is not known-safe with its reason, and the unknown reason.</summary>
    public static string Explain(PolicyEvaluation evaluation)
    {
        var reasons = evaluation.Parts
            .Where(part => part.Verdict != PartVerdict.KnownSafe)
            .Select(part => $"`{part.Part.Text}`: {part.Part.Reason}")
            .ToList();
        if (evaluation.Analysis.UnknownReason is { } unknown)
        {
            reasons.Add($"unknown: {unknown}");
        }

        return reasons.Count == 0 ? string.Join("; ", evaluation.Explanation) : string.Join("; ", reasons);
    }
}
