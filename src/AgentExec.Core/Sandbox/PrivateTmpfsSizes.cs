using AgentExec.Core.Configuration;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The sizes of the private <c>/tmp</c> and <c>/dev/shm</c> tmpfs bubblewrap gives a command (SPEC.md "Sandbox":
/// "The private /tmp and /dev/shm are size-limited").
/// </summary>
/// <remarks>
/// <para>
/// Why: tmpfs pages are memory, but no per-process limit counts them (<c>RLIMIT_AS</c> does not), and the kernel's
/// default tmpfs size is half of RAM <em>each</em>, so an unsized <c>/tmp</c> plus <c>/dev/shm</c> let a command with a
/// 256 MiB memory limit fill the host's memory.
/// </para>
/// <para>
/// Defaults, when <c>limits.memory_bytes</c> is not set: <c>/tmp</c> gets a quarter of the memory the server sees
/// (builds and test suites use <c>/tmp</c> for real work; a quarter keeps a command from taking the host down while
/// leaving them room), <c>/dev/shm</c> gets 64 MiB (POSIX shared memory and semaphores need little; 64 MiB is what
/// Docker gives a container). With <c>limits.memory_bytes</c> set, neither is larger than it: the limit is the most a
/// command may hold, and under the <c>rlimit</c> fallback these sizes are the only bound on tmpfs pages.
/// </para>
/// </remarks>
/// <param name="TmpBytes">The size of the private <c>/tmp</c>.</param>
/// <param name="SharedMemoryBytes">The size of <c>/dev/shm</c>.</param>
public sealed record PrivateTmpfsSizes(long TmpBytes, long SharedMemoryBytes)
{
    /// <summary>The default size of <c>/dev/shm</c>.</summary>
    public const long DefaultSharedMemoryBytes = 64L * 1024 * 1024;

    /// <summary>What is assumed when the runtime cannot tell how much memory there is.</summary>
    private const long AssumedHostMemoryBytes = 4L * 1024 * 1024 * 1024;

    /// <summary>The sizes for <paramref name="limits"/> on a host with <paramref name="hostMemoryBytes"/> of memory.</summary>
    /// <param name="limits">The user config's limits.</param>
    /// <param name="hostMemoryBytes">The memory the server can use (RAM, or its container's limit).</param>
    public static PrivateTmpfsSizes For(ResourceLimits limits, long hostMemoryBytes)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var tmp = Math.Max(1, (hostMemoryBytes > 0 ? hostMemoryBytes : AssumedHostMemoryBytes) / 4);
        var sharedMemory = Math.Min(DefaultSharedMemoryBytes, tmp);
        if (limits.MaxMemoryBytes is { } memory)
        {
            tmp = Math.Min(tmp, memory);
            sharedMemory = Math.Min(sharedMemory, memory);
        }

        return new PrivateTmpfsSizes(tmp, sharedMemory);
    }

    /// <summary>The sizes for <paramref name="limits"/> on this host.</summary>
    /// <param name="limits">The user config's limits.</param>
    public static PrivateTmpfsSizes For(ResourceLimits limits) => For(limits, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
}
