using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// A sandbox that refuses every command the way a read-only file system would (it prints EROFS and fails, without
/// running the command), so the pipeline's retry without the sandbox can be tested on any machine; the real backends'
/// refusals are tested against bwrap in Mcp/SandboxRetryFlowTests.
/// </summary>
internal sealed class RefusingSandbox : ISandbox
{
    public const string Refusal = "touch: cannot touch 'ran.txt': Read-only file system";

    /// <summary>A selection for <paramref name="mode"/> whose backend is this sandbox.</summary>
    public static SandboxSelection Selection(SandboxMode mode = SandboxMode.WorkspaceWrite) => new(mode, new RefusingSandbox(), null, []);

    public int Wrapped { get; private set; }

    public SandboxBackendKind Backend => SandboxBackendKind.Landlock;

    public SandboxedCommand Wrap(SandboxInvocation invocation)
    {
        Wrapped++;
        return new(["bash", "-c", $"echo \"{Refusal}\" >&2; exit 1"], invocation.Environment);
    }

    public bool LooksDenied(ExecutionResult result) => result.ExitCode != 0;
}
