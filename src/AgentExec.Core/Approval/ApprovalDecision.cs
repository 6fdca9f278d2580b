namespace AgentExec.Core.Approval;

/// <summary>What was decided about running a command (SPEC.md <c>approval.decision</c>).</summary>
public enum ApprovalDecision
{
    /// <summary>Run it, this once.</summary>
    Approved,

    /// <summary>Run it, and run the same request again without asking for the rest of the session.</summary>
    ApprovedForSession,

    /// <summary>Do not run it.</summary>
    Denied,

    /// <summary>Do not run it, and tell the agent to stop and wait for the user.</summary>
    Abort,
}
