namespace AgentExec.Core.Configuration;

/// <summary>When a command needs a human (the Codex vocabulary; SPEC.md "Policy").</summary>
public enum ApprovalPolicy
{
    /// <summary>Only known-safe read-only commands run without asking.</summary>
    Untrusted,

    /// <summary>Run in the sandbox without asking; ask to retry without it when the sandbox denies.</summary>
    OnFailure,

    /// <summary>Run in the sandbox; ask when the agent requests escalation or the command is dangerous.</summary>
    OnRequest,

    /// <summary>Never ask: anything that would have asked is denied.</summary>
    Never,
}
