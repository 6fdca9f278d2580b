using AgentExec.Core.Configuration;

namespace AgentExec.Core.Sandbox;

/// <summary>Whether this machine can run the Landlock backend, at which ABI, and what it cannot protect.</summary>
/// <param name="Abi">The kernel's Landlock ABI version; 0 when there is none.</param>
/// <param name="UnavailableReason">Why the backend cannot be used, naming the fix; null when it can.</param>
public sealed record LandlockProbe(int Abi, string? UnavailableReason)
{
    /// <summary>True when the Landlock backend can enforce the sandbox modes here.</summary>
    public bool IsAvailable => UnavailableReason is null;

    /// <summary>What the backend leaves unprotected under <paramref name="mode"/> on this kernel, for the start-up log and <c>check</c>.</summary>
    public IReadOnlyList<string> CaveatsFor(SandboxMode mode)
    {
        if (!IsAvailable || mode == SandboxMode.DangerFullAccess)
        {
            return [];
        }

        var caveats = new List<string>();
        if (mode == SandboxMode.WorkspaceWrite)
        {
            caveats.Add(
                "Landlock cannot make paths inside a writable root read-only: .git (hooks, config), agentexec.json and .env "
                + "in the workspace are writable by commands, so a command can plant a git hook that later runs unsandboxed "
                + "or remove the workspace's forbidden rules. The bubblewrap backend protects them.");
        }

        caveats.Add(
            "Landlock cannot hide files: credentials (~/.ssh, ~/.aws, ~/.gnupg, ~/.netrc, ~/.docker), the user config and "
            + "the workspace's .env are readable by commands.");
        caveats.Add(
            "Landlock cannot stop a change of mode, group or times: commands can chmod, chgrp and touch -d files the user "
            + "owns outside the writable roots (make them readable or writable by others, such as the audit log and its "
            + "folder). Setting the set-user-ID or set-group-ID bit and extended attributes (ACLs) is refused everywhere. "
            + "The bubblewrap backend mounts those files read-only.");
        if (Abi < 9)
        {
            caveats.Add(
                $"Landlock ABI {Abi} cannot restrict Unix sockets by path (ABI 9 can): with the network off commands cannot "
                + "create Unix sockets at all (socketpair still works); with --network they can connect to host services "
                + "such as Docker, D-Bus or ssh-agent sockets under /run and $XDG_RUNTIME_DIR.");
        }

        if (Abi < 6)
        {
            caveats.Add(
                $"Landlock ABI {Abi} has no IPC scoping (ABI 6 has): commands can signal other processes of the same user, "
                + "agentexec and their own launcher included (killing the launcher lets a command's background processes "
                + "outlive its timeout), and connect to abstract Unix sockets.");
        }

        return caveats;
    }

    /// <summary>What <c>--network</c> exposes under Landlock, for the start-up log and <c>check</c>; empty with network off.</summary>
    /// <remarks>
    /// The seccomp filter that refuses IP sockets is simply not installed, and there is no network namespace: the
    /// host's loopback services are as reachable as the internet. Abstract Unix sockets stay scoped from ABI 6 on,
    /// network or not (below that the ABI caveat of <see cref="CaveatsFor"/> says they are reachable anyway).
    /// </remarks>
    public IReadOnlyList<string> NetworkCaveatsFor(AgentExecSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return IsAvailable && settings.Network && settings.Sandbox != SandboxMode.DangerFullAccess
            ? ["network is on (--network): under Landlock sandboxed commands reach the host's network and every service "
                + "listening on the host's loopback (127.0.0.1, ::1)"
                + (Abi >= 6 ? "; host abstract Unix sockets stay out of reach (Landlock scoping)" : string.Empty)]
            : [];
    }
}
