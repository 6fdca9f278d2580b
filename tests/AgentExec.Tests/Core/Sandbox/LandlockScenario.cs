using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;
using AgentExec.Tests.Core.Execution;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// A workspace and a sibling folder beside it under a fresh temporary root, and a way to run bash in the workspace
/// through the Landlock backend and the real <see cref="CommandRunner"/>, as the pipeline does.
/// </summary>
internal sealed class LandlockScenario : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public LandlockScenario(SandboxMode mode = SandboxMode.WorkspaceWrite, bool network = false, int? abiLimit = null)
    {
        Mode = mode;
        Network = network;
        Sandbox = LandlockTestLauncher.Sandbox(abiLimit);
        Workspace = Directory.CreateDirectory(System.IO.Path.Combine(_root.Path, "workspace")).FullName;
        Sibling = Directory.CreateDirectory(System.IO.Path.Combine(_root.Path, "sibling")).FullName;
    }

    public SandboxMode Mode { get; }

    public bool Network { get; }

    public LandlockSandbox Sandbox { get; }

    public string Workspace { get; }

    /// <summary>A folder next to the workspace: outside every writable root.</summary>
    public string Sibling { get; }

    public IReadOnlyList<string> WritableRoots { get; init; } = [];

    public string InWorkspace(string name) => System.IO.Path.Combine(Workspace, name);

    public string InSibling(string name) => System.IO.Path.Combine(Sibling, name);

    /// <summary>Wraps <c>bash -c script</c>, runs it, and removes what the wrap prepared, like the pipeline.</summary>
    public async Task<ExecutionResult> RunAsync(string script, TimeSpan? timeout = null, IOutputObserver? observer = null, CancellationToken cancellationToken = default)
    {
        var wrapped = Wrap(script);
        try
        {
            var spec = new ExecutionSpec(wrapped.Argv, Workspace, wrapped.Environment, timeout ?? BashSpecs.GenerousTimeout, ExecutionSpec.DefaultOutputCapBytes);
            return await new CommandRunner().RunAsync(spec, observer, cancellationToken);
        }
        finally
        {
            wrapped.Cleanup?.Invoke();
        }
    }

    public SandboxedCommand Wrap(string script) =>
        Sandbox.Wrap(new SandboxInvocation(["bash", "-c", script], Workspace, Mode, Workspace, WritableRoots, Network, BashSpecs.MinimalEnvironment));

    public void Dispose() => _root.Dispose();
}
