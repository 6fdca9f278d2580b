using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>A sandbox that only says which backend it is.</summary>
internal sealed class StubSandbox(SandboxBackendKind backend) : ISandbox
{
    public SandboxBackendKind Backend => backend;

    public SandboxedCommand Wrap(SandboxInvocation invocation) => throw new NotSupportedException("a stub runs nothing");

    public bool LooksDenied(ExecutionResult result) => false;
}
