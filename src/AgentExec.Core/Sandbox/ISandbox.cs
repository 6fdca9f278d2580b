using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>A sandbox backend: wraps a command so the kernel enforces a mode, and recognises its denials.</summary>
public interface ISandbox
{
    /// <summary>Which mechanism this is.</summary>
    SandboxBackendKind Backend { get; }

    /// <summary>Wraps <paramref name="invocation"/> for its mode.</summary>
    SandboxedCommand Wrap(SandboxInvocation invocation);

    /// <summary>True when a finished run looks like the sandbox denied it (EPERM, EACCES, EROFS signatures, or the backend's own failure).</summary>
    bool LooksDenied(ExecutionResult result);
}
