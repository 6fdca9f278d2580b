namespace AgentExec.Core.Policy;

/// <summary>Which file a rule came from, and so how far it is trusted.</summary>
public enum RuleOrigin
{
    /// <summary>The user config, outside the workspace: may allow, prompt or forbid.</summary>
    User,

    /// <summary>A config inside the workspace, which the agent can write: may only tighten (prompt, forbidden).</summary>
    Workspace,
}
