namespace AgentExec.Core.Policy;

/// <summary>The wire spelling of the policy vocabulary: one place for every renderer and parser.</summary>
public static class PolicyCodes
{
    /// <summary>The code of a part verdict (<c>known_safe</c>, <c>dangerous</c>…).</summary>
    public static string ToCode(this PartVerdict verdict) => verdict switch
    {
        PartVerdict.KnownSafe => "known_safe",
        PartVerdict.Allowed => "allowed",
        PartVerdict.Ordinary => "ordinary",
        PartVerdict.Prompt => "prompt",
        PartVerdict.Dangerous => "dangerous",
        PartVerdict.Forbidden => "forbidden",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown verdict"),
    };

    /// <summary>The code of a policy verdict (<c>run</c>, <c>ask</c>, <c>forbid</c>).</summary>
    public static string ToCode(this PolicyVerdict verdict) => verdict switch
    {
        PolicyVerdict.Run => "run",
        PolicyVerdict.Ask => "ask",
        PolicyVerdict.Forbid => "forbid",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown verdict"),
    };

    /// <summary>The decision as <c>check --json</c> prints it (SPEC.md): <c>run_sandboxed</c>, <c>ask</c>, <c>forbidden</c>, <c>run_unsandboxed</c>.</summary>
    public static string ToDecisionCode(this AttemptPlan plan) => plan.Verdict switch
    {
        PolicyVerdict.Forbid => "forbidden",
        PolicyVerdict.Ask => "ask",
        _ => plan.Where == Confinement.Sandboxed ? "run_sandboxed" : "run_unsandboxed",
    };

    /// <summary>The audit log's spelling of where an attempt runs.</summary>
    public static string ToCode(this Confinement where) => where switch
    {
        Confinement.Sandboxed => "sandboxed",
        Confinement.Unsandboxed => "unsandboxed",
        _ => throw new ArgumentOutOfRangeException(nameof(where), where, "unknown confinement"),
    };

    /// <summary>The audit log's spelling of who must approve.</summary>
    public static string ToCode(this Approver approver) => approver switch
    {
        Approver.Nobody => "nobody",
        Approver.Rule => "rule",
        Approver.Human => "human",
        _ => throw new ArgumentOutOfRangeException(nameof(approver), approver, "unknown approver"),
    };
}
