namespace AgentExec.Core.Policy;

/// <summary>What the policy says should happen to a command line before any human is involved.</summary>
public enum PolicyVerdict
{
    /// <summary>Run it without a question (in the configured sandbox).</summary>
    Run,

    /// <summary>Ask a human first.</summary>
    Ask,

    /// <summary>Deny it without a question.</summary>
    Forbid,
}
