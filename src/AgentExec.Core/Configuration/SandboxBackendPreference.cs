namespace AgentExec.Core.Configuration;

/// <summary>The <c>--sandbox-backend</c> setting.</summary>
public enum SandboxBackendPreference
{
    /// <summary>bubblewrap when it works, else Landlock.</summary>
    Auto,

    /// <summary>bubblewrap only.</summary>
    Bubblewrap,

    /// <summary>Landlock only.</summary>
    Landlock,
}
