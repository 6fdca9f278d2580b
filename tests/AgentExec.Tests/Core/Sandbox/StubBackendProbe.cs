using AgentExec.Core.Configuration;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>A probe that reports a fixed outcome and counts how often it was asked.</summary>
internal sealed class StubBackendProbe(SandboxBackendKind backend, string? problem) : ISandboxBackendProbe
{
    public int Calls { get; private set; }

    public SandboxBackendKind Backend => backend;

    public SandboxProbeResult Probe(AgentExecSettings settings)
    {
        Calls++;
        return problem is null
            ? SandboxProbeResult.Working(new StubSandbox(backend), [$"{backend} caveat"])
            : SandboxProbeResult.Unavailable(problem);
    }
}
