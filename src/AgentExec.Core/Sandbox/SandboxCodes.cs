using AgentExec.Core.Configuration;
namespace AgentExec.Core.Sandbox;

/// <summary>The wire spelling of the sandbox vocabulary that belongs to this room (the modes are settings: <c>SettingCodes</c>).</summary>
public static class SandboxCodes
{
    /// <summary>The code of a sandbox backend (<c>bubblewrap</c>, <c>landlock</c>, <c>none</c>).</summary>
    public static string ToCode(this SandboxBackendKind backend) => backend switch
    {
        SandboxBackendKind.None => "none",
        SandboxBackendKind.Bubblewrap => "bubblewrap",
        SandboxBackendKind.Landlock => "landlock",
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "unknown backend"),
    };
}
