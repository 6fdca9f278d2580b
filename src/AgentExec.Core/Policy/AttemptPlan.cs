namespace AgentExec.Core.Policy;

/// <summary>What the policy decided for one attempt: whether it runs, where, and who must approve it first.</summary>
/// <param name="Verdict">Run, ask or forbid.</param>
/// <param name="Where">Where it runs once it may.</param>
/// <param name="Approver">Who must approve it; <see cref="Approver.Nobody"/> for a forbidden attempt.</param>
public sealed record AttemptPlan(PolicyVerdict Verdict, Confinement Where, Approver Approver)
{
    /// <summary>The one retry the policy can offer: unsandboxed, and only when a human approves it.</summary>
    public static AttemptPlan RetryWithoutSandbox { get; } = new(PolicyVerdict.Ask, Confinement.Unsandboxed, Approver.Human);
}
