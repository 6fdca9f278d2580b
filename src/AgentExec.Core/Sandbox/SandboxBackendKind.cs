namespace AgentExec.Core.Sandbox;

/// <summary>Which mechanism enforces the sandbox.</summary>
public enum SandboxBackendKind
{
    /// <summary>Not sandboxed.</summary>
    None,

    /// <summary>bubblewrap (<c>bwrap</c>): mount, pid and network namespaces.</summary>
    Bubblewrap,

    /// <summary>The Landlock LSM plus a seccomp filter, applied by the agentexec launcher.</summary>
    Landlock,
}
