using AgentExec.Core.Configuration;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// Probes the Landlock backend for backend selection: the kernel's ABI, and a launcher to re-execute (this very
/// binary, when it is <c>agentexec</c>).
/// </summary>
internal sealed class LandlockBackendProbe : ISandboxBackendProbe
{
    private readonly Func<LandlockSandbox?> _launcher;

    /// <summary>Creates a probe; <paramref name="launcher"/> supplies the sandbox (default: the current process as launcher).</summary>
    public LandlockBackendProbe(Func<LandlockSandbox?>? launcher = null) => _launcher = launcher ?? LandlockSandbox.ForCurrentProcess;

    /// <inheritdoc />
    public SandboxBackendKind Backend => SandboxBackendKind.Landlock;

    /// <inheritdoc />
    public SandboxProbeResult Probe(AgentExecSettings settings)
    {
        var kernel = LandlockSupport.Probe();
        if (!kernel.IsAvailable)
        {
            return SandboxProbeResult.Unavailable(kernel.UnavailableReason!);
        }

        return _launcher() is { } sandbox
            ? SandboxProbeResult.Working(sandbox, [.. kernel.CaveatsFor(settings.Sandbox), .. kernel.NetworkCaveatsFor(settings)])
            : SandboxProbeResult.Unavailable("this process is not the agentexec executable, so it cannot re-execute itself as the Landlock launcher");
    }
}
