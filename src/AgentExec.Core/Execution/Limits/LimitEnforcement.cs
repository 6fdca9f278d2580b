using AgentExec.Core.Configuration;

namespace AgentExec.Core.Execution.Limits;

/// <summary>
/// How the user config's <c>limits</c> are enforced, decided once at start-up (SPEC.md "Sandbox", "Optional
/// limits"): through a per-command cgroup when a cgroup v2 subtree is delegated to AgentExec, else with
/// <c>rlimit</c>, whose gaps <see cref="Caveats(bool)"/> states.
/// </summary>
public sealed class LimitEnforcement
{
    private readonly ICgroupFiles _files;

    private LimitEnforcement(ResourceLimits limits, CgroupV2Delegation? cgroup, string? cgroupUnavailableReason, ICgroupFiles files)
    {
        Limits = limits;
        Cgroup = cgroup;
        CgroupUnavailableReason = cgroupUnavailableReason;
        _files = files;
    }

    /// <summary>The configured limits.</summary>
    public ResourceLimits Limits { get; }

    /// <summary>Why no cgroup is used although limits are configured; null when one is, or when there are no limits.</summary>
    public string? CgroupUnavailableReason { get; }

    /// <summary>The delegated subtree commands' cgroups go under; null under <c>rlimit</c>.</summary>
    internal CgroupV2Delegation? Cgroup { get; }

    /// <summary>The limits the shell sets with <c>ulimit</c>: all of them under <c>rlimit</c>, none when a cgroup holds them.</summary>
    public ResourceLimits ShellLimits => Cgroup is null ? Limits : ResourceLimits.None;

    /// <summary>Enforcement with <c>rlimit</c> only (no cgroup looked for).</summary>
    /// <param name="limits">The configured limits.</param>
    /// <param name="reason">Why no cgroup, for <see cref="Caveats(bool)"/>.</param>
    public static LimitEnforcement Rlimit(ResourceLimits limits, string? reason = null) =>
        new(limits, null, limits == ResourceLimits.None ? null : reason ?? "no cgroup was looked for", KernelCgroupFiles.Instance);

    /// <summary>Looks for a delegated cgroup v2 when limits are configured (moving the server into its leaf, see <see cref="CgroupV2Delegation"/>).</summary>
    /// <param name="limits">The configured limits.</param>
    public static LimitEnforcement Detect(ResourceLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (limits == ResourceLimits.None)
        {
            return Rlimit(limits);
        }

        return CgroupV2Delegation.TryDetect(limits, out var reason) is { } delegation
            ? new LimitEnforcement(limits, delegation, null, KernelCgroupFiles.Instance)
            : Rlimit(limits, reason);
    }

    /// <summary>Enforcement through <paramref name="delegation"/> with <paramref name="files"/>, for tests against a fake cgroupfs.</summary>
    internal static LimitEnforcement WithCgroup(ResourceLimits limits, CgroupV2Delegation delegation, ICgroupFiles files) =>
        new(limits, delegation, null, files);

    /// <summary>What the configured limits do not hold for this process's user (see <see cref="Caveats(bool)"/>).</summary>
    public IReadOnlyList<string> Caveats() => Caveats(Libc.GetEffectiveUserId() == 0);

    /// <summary>
    /// What the configured limits do not hold, for the start-up log and <c>check</c>: empty when there are no limits or
    /// a cgroup holds them.
    /// </summary>
    /// <param name="runningAsRoot">Whether commands run as uid 0 (the kernel never applies <c>RLIMIT_NPROC</c> to it).</param>
    public IReadOnlyList<string> Caveats(bool runningAsRoot)
    {
        if (Cgroup is not null || Limits == ResourceLimits.None)
        {
            return [];
        }

        var caveats = new List<string>
        {
            $"limits are applied with rlimit, not a cgroup: {CgroupUnavailableReason}.",
        };
        if (Limits.MaxProcesses is not null)
        {
            caveats.Add(runningAsRoot
                ? "limits.processes is not enforced: RLIMIT_NPROC never applies to root."
                : "limits.processes (RLIMIT_NPROC) counts all of the user's processes, not only the command's.");
        }

        if (Limits.MaxMemoryBytes is not null)
        {
            // Pages a process holds outside its address space count against no rlimit: a memfd or System V segment
            // filled with write(2) and never mapped (measured: a 1 GiB memfd under a 256 MiB limit), or a tmpfs mounted
            // in a user namespace of the command's own, which no --size reaches. Only a cgroup charges them.
            caveats.Add("limits.memory_bytes (RLIMIT_AS) bounds each process's address space, not the command's total; files in the private /tmp and /dev/shm are bounded only by their size, and memory kept outside an address space is not bounded at all (a memfd or System V shared memory written without mapping it, a tmpfs mounted in the command's own user namespace).");
        }

        if (Limits.MaxCpuSeconds is not null)
        {
            caveats.Add("limits.cpu_seconds (RLIMIT_CPU) bounds each process's CPU time, not the command's total.");
        }

        return caveats;
    }

    /// <summary>The command's own cgroup, made now; null under <c>rlimit</c>.</summary>
    /// <exception cref="CgroupSetupException">It could not be made; the command must not run.</exception>
    internal CommandCgroup? CreateCommandCgroup() => Cgroup is null ? null : CommandCgroup.Create(Cgroup, Limits, _files);
}
