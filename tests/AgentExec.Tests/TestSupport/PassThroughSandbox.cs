using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// A "sandbox" that runs the command as it is but reports itself as bubblewrap, so the pipeline treats the run as
/// sandboxed (and gives it an egress proxy) on any machine; it hands the proxy's socket to the command as
/// <see cref="SocketVariable"/>, standing in for the bridge that relays to it inside a real sandbox.
/// </summary>
internal sealed class PassThroughSandbox(Func<ExecutionResult, bool>? looksDenied = null) : ISandbox
{
    public const string SocketVariable = "EGRESS_SOCKET";

    /// <summary>A selection for <paramref name="mode"/> whose backend is this sandbox.</summary>
    public static SandboxSelection Selection(SandboxMode mode = SandboxMode.WorkspaceWrite, Func<ExecutionResult, bool>? looksDenied = null) =>
        new(mode, new PassThroughSandbox(looksDenied), null, []);

    public SandboxBackendKind Backend => SandboxBackendKind.Bubblewrap;

    public SandboxedCommand Wrap(SandboxInvocation invocation)
    {
        var environment = new Dictionary<string, string>(invocation.Environment, StringComparer.Ordinal);
        if (invocation.EgressSocketPath is { } socket)
        {
            environment[SocketVariable] = socket;
        }

        return new SandboxedCommand(invocation.Argv, environment);
    }

    public bool LooksDenied(ExecutionResult result) => looksDenied?.Invoke(result) ?? false;
}
