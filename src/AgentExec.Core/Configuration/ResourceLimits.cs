namespace AgentExec.Core.Configuration;

/// <summary>The user config's optional <c>limits</c>, applied to a command's processes.</summary>
/// <param name="MaxProcesses">Most processes the command may have at once.</param>
/// <param name="MaxMemoryBytes">Address-space limit per process.</param>
/// <param name="MaxCpuSeconds">CPU time limit per process.</param>
public sealed record ResourceLimits(int? MaxProcesses, long? MaxMemoryBytes, int? MaxCpuSeconds)
{
    /// <summary>No limits.</summary>
    public static ResourceLimits None { get; } = new(null, null, null);
}
