using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>Runs commands as they are: the backend of <c>danger-full-access</c> and of approved escalations.</summary>
public sealed class NoSandbox : ISandbox
{
    /// <summary>The one instance.</summary>
    public static NoSandbox Instance { get; } = new();

    private NoSandbox()
    {
    }

    /// <inheritdoc />
    public SandboxBackendKind Backend => SandboxBackendKind.None;

    /// <inheritdoc />
    public SandboxedCommand Wrap(SandboxInvocation invocation) => new(invocation.Argv, invocation.Environment);

    /// <inheritdoc />
    public bool LooksDenied(ExecutionResult result) => false;
}
