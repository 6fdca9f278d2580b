namespace AgentExec.Core.Approval;

/// <summary>Who or what produced an approval outcome (SPEC.md <c>approval.source</c>).</summary>
public enum ApprovalSource
{
    /// <summary>Anything that came, or failed to come, through the approval channel.</summary>
    User,

    /// <summary>The session cache of earlier <c>approved_for_session</c> answers.</summary>
    Session,

    /// <summary>A matching rule.</summary>
    Rule,

    /// <summary>What the policy decided by itself.</summary>
    Policy,
}
