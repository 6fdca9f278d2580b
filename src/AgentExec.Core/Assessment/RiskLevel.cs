namespace AgentExec.Core.Assessment;

/// <summary>How risky the assessor judged a command.</summary>
public enum RiskLevel
{
    /// <summary>Little can go wrong.</summary>
    Low,

    /// <summary>Something can go wrong; read before approving.</summary>
    Medium,

    /// <summary>Likely to destroy, leak or escalate.</summary>
    High,
}
