namespace AgentExec.Core.Configuration;

/// <summary>How much of the machine a command may change (SPEC.md "Sandbox").</summary>
public enum SandboxMode
{
    /// <summary>The filesystem is read-only; network off unless allowed.</summary>
    ReadOnly,

    /// <summary>Read-only, except the workspace, the writable roots and a private temporary directory.</summary>
    WorkspaceWrite,

    /// <summary>No sandbox at all.</summary>
    DangerFullAccess,
}
