using AgentExec.Core.Commands;
using AgentExec.Core.Credentials;

namespace AgentExec.Tests.Oracle;

/// <summary>The analyzer's side of the differential: would AgentExec run this line with no question?</summary>
/// <remarks>
/// Known-safe is what <c>untrusted</c> runs without asking, with no rules and no escalation (SPEC.md "Policy",
/// steps 3a and 4), judged in the very directory, home and <c>PATH</c> the line then runs with. This is the one
/// place to re-point if the analyzer's entry point changes.
/// </remarks>
internal static class KnownSafeJudge
{
    /// <summary>The context the analyzer judges lines of <paramref name="area"/> in.</summary>
    public static AnalysisContext ContextFor(ScratchArea area) =>
        new(area.Work, area.Home, SandboxedBash.SearchPath, [area.Work], CredentialList.For(area.Home), CredentialsHidden: true);

    /// <summary>True when <paramref name="line"/> would run with no question under the <c>untrusted</c> policy (the tests' one judge).</summary>
    public static bool IsKnownSafe(string line, AnalysisContext context) => TestSupport.KnownSafeJudge.IsKnownSafe(line, context);
}
