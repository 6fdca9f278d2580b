using AgentExec.Core.Configuration;
namespace AgentExec.Core.Sandbox;

/// <summary>The sandbox chosen at start-up for the configured mode, or why none can be had.</summary>
/// <param name="Mode">The configured mode.</param>
/// <param name="Sandbox">The backend that enforces it; null when it is unavailable.</param>
/// <param name="UnavailableReason">Why no backend can enforce the mode, naming the fix.</param>
/// <param name="Caveats">What the chosen backend cannot protect, for the start-up log and <c>check</c>.</param>
public sealed record SandboxSelection(SandboxMode Mode, ISandbox? Sandbox, string? UnavailableReason, IReadOnlyList<string> Caveats)
{
    /// <summary>True when commands can run under the configured mode.</summary>
    public bool IsAvailable => Sandbox is not null;

    /// <summary>The backend that will be reported in results.</summary>
    public SandboxBackendKind Backend => Sandbox?.Backend ?? SandboxBackendKind.None;
}
