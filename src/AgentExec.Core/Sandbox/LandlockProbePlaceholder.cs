using AgentExec.Core.Configuration;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// Stands in for the Landlock backend's probe until that backend is wired into selection: it always reports Landlock
/// as unavailable, so selection never falls back to running unsandboxed.
/// </summary>
/// <remarks>
/// SEAM (issue 3): replace this with an <see cref="ISandboxBackendProbe"/> over <see cref="LandlockSupport.Probe"/>,
/// <see cref="LandlockSandbox.ForCurrentProcess"/> and <see cref="LandlockProbe.CaveatsFor"/>, wired in
/// <see cref="SandboxSelector.Select(AgentExecSettings, IReadOnlyDictionary{string, string}, Microsoft.Extensions.Logging.ILogger)"/>.
/// </remarks>
internal sealed class LandlockProbePlaceholder : ISandboxBackendProbe
{
    /// <summary>The one instance.</summary>
    public static LandlockProbePlaceholder Instance { get; } = new();

    private LandlockProbePlaceholder()
    {
    }

    /// <inheritdoc />
    public SandboxBackendKind Backend => SandboxBackendKind.Landlock;

    /// <inheritdoc />
    public SandboxProbeResult Probe(AgentExecSettings settings) =>
        SandboxProbeResult.Unavailable("the Landlock backend is not wired into backend selection yet");
}
