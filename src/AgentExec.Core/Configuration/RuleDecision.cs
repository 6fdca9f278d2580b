namespace AgentExec.Core.Configuration;

/// <summary>What a rule says about the commands it matches, ordered so that the strictest is the greatest.</summary>
public enum RuleDecision
{
    /// <summary>Run without a question (still inside the configured sandbox).</summary>
    Allow = 0,

    /// <summary>Ask the human first.</summary>
    Prompt = 1,

    /// <summary>Deny without asking.</summary>
    Forbidden = 2,
}
