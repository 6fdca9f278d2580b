using AgentExec.Core.Configuration;

namespace AgentExec.Core.Sandbox;

/// <summary>Finds out at start-up whether one sandbox backend really works on this machine for the settings, and builds it.</summary>
public interface ISandboxBackendProbe
{
    /// <summary>The backend this probe builds.</summary>
    SandboxBackendKind Backend { get; }

    /// <summary>Tries the backend for <paramref name="settings"/>: the sandbox when it works, else why not. Never throws for what the machine lacks.</summary>
    /// <param name="settings">The resolved settings (mode, network, workspace, writable roots, config and audit paths).</param>
    /// <returns>The outcome of the probe.</returns>
    SandboxProbeResult Probe(AgentExecSettings settings);
}
