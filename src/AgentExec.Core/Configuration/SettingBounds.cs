namespace AgentExec.Core.Configuration;

/// <summary>The accepted ranges of the numeric settings; a value outside its range is refused, never clamped.</summary>
/// <remarks>
/// The upper bounds are there to catch typos (an extra zero or two), not to second-guess the user: a day for a human's
/// answer, ten minutes for an advisory assessment that the SPEC expects to take seconds.
/// </remarks>
public static class SettingBounds
{
    /// <summary>The shortest <c>approval_timeout_ms</c>.</summary>
    public const long MinApprovalTimeoutMs = 1;

    /// <summary>The longest <c>approval_timeout_ms</c>: one day.</summary>
    public const long MaxApprovalTimeoutMs = 86_400_000;

    /// <summary>The shortest <c>assessment_timeout_ms</c>.</summary>
    public const long MinAssessmentTimeoutMs = 1;

    /// <summary>The longest <c>assessment_timeout_ms</c>: ten minutes.</summary>
    public const long MaxAssessmentTimeoutMs = 600_000;

    /// <summary>The smallest <c>limits.processes</c>: the command's own shell.</summary>
    public const long MinProcesses = 1;

    /// <summary>The largest <c>limits.processes</c>: Linux's highest possible pid count (<c>PID_MAX_LIMIT</c>).</summary>
    public const long MaxProcesses = 4_194_304;

    /// <summary>The smallest <c>limits.memory_bytes</c>: 16 MiB, below which not even <c>bash</c> starts.</summary>
    public const long MinMemoryBytes = 16L * 1024 * 1024;

    /// <summary>The largest <c>limits.memory_bytes</c>: 1 PiB.</summary>
    public const long MaxMemoryBytes = 1L << 50;

    /// <summary>The smallest <c>limits.cpu_seconds</c>.</summary>
    public const long MinCpuSeconds = 1;

    /// <summary>The largest <c>limits.cpu_seconds</c>: one week.</summary>
    public const long MaxCpuSeconds = 604_800;

    /// <summary>The largest config or rule file read, in bytes (1 MiB); a larger one is invalid.</summary>
    public const int MaxConfigFileBytes = 1024 * 1024;
}
