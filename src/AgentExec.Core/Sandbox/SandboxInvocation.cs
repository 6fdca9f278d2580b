using AgentExec.Core.Configuration;

namespace AgentExec.Core.Sandbox;

/// <summary>What a sandbox needs to know to wrap one command.</summary>
/// <param name="Argv">The command to run inside, usually <c>[TrustedShell.Path, "-c", line]</c> (<c>ShellArgv</c>).</param>
/// <param name="WorkingDirectory">Where it runs (real path).</param>
/// <param name="Mode">The sandbox mode to enforce.</param>
/// <param name="Workspace">The project root (real path).</param>
/// <param name="WritableRoots">Extra writable directories under <c>workspace-write</c>.</param>
/// <param name="Network">Whether IP networking is allowed.</param>
/// <param name="Environment">The child's environment (already allow-listed).</param>
public sealed record SandboxInvocation(
    IReadOnlyList<string> Argv,
    string WorkingDirectory,
    SandboxMode Mode,
    string Workspace,
    IReadOnlyList<string> WritableRoots,
    bool Network,
    IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The user config's limits; they size the private <c>/tmp</c> and <c>/dev/shm</c> (<see cref="PrivateTmpfsSizes"/>).</summary>
    public ResourceLimits Limits { get; init; } = ResourceLimits.None;

    /// <summary>
    /// The host-side Unix socket of this call's egress proxy (SPEC.md "Network allow-list"), or null when the call has
    /// no allow-list. When set, <see cref="Network"/> is false: the command keeps its private network namespace and
    /// reaches the outside only through this socket, relayed from a loopback port inside the sandbox.
    /// </summary>
    public string? EgressSocketPath { get; init; }
}
