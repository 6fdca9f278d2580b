namespace AgentExec.Core.Policy;

/// <summary>Where an attempt runs once it may run.</summary>
public enum Confinement
{
    /// <summary>Inside the configured sandbox.</summary>
    Sandboxed,

    /// <summary>With no sandbox: <c>danger-full-access</c>, an approved escalation, or an approved retry.</summary>
    Unsandboxed,
}
