namespace AgentExec.Core.Policy;

/// <summary>Who must approve an attempt before it runs.</summary>
public enum Approver
{
    /// <summary>Nobody: it runs, or it is denied, without anyone's say.</summary>
    Nobody,

    /// <summary>An <c>allow</c> rule from the user config already has.</summary>
    Rule,

    /// <summary>A human, through the approval channel (or the session cache standing in for an earlier answer).</summary>
    Human,
}
