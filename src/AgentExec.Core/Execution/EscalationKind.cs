namespace AgentExec.Core.Execution;

/// <summary>What a question asks beyond running the command in the configured sandbox; part of the session-cache key.</summary>
public enum EscalationKind
{
    /// <summary>Run in the configured sandbox.</summary>
    None,

    /// <summary>The agent asked to run outside the sandbox (<c>sandbox_permissions: "require_escalated"</c>).</summary>
    RequireEscalated,

    /// <summary>The command failed in the sandbox with output that looks like a sandbox refusal; retry it without the sandbox.</summary>
    RetryWithoutSandbox,
}
