using AgentExec.Core.Configuration;

namespace AgentExec.Core.Sandbox;

/// <summary>Chooses the sandbox backend at start-up; never falls back to running unsandboxed silently.</summary>
public static class SandboxSelector
{
    /// <summary>Selects a backend for the settings' mode.</summary>
    public static SandboxSelection Select(AgentExecSettings settings)
    {
        if (settings.Sandbox == SandboxMode.DangerFullAccess)
        {
            return new SandboxSelection(settings.Sandbox, NoSandbox.Instance, null, ["danger-full-access: commands run with no sandbox at all"]);
        }

        // TODO(issue 3): bubblewrap, then Landlock. Until they exist a sandboxed mode must refuse, not run unsandboxed.
        return new SandboxSelection(
            settings.Sandbox,
            null,
            $"sandbox not available: no backend can enforce {settings.Sandbox switch { SandboxMode.ReadOnly => "read-only", _ => "workspace-write" }} on this build yet. "
            + "Use `agentexec check` to see decisions, or pass --sandbox danger-full-access only if you accept that commands run unsandboxed.",
            []);
    }
}
