using System.Globalization;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Execution.Limits;

/// <summary>
/// One command's own cgroup v2 (SPEC.md "Sandbox", "Optional limits"): made before the command starts, holding every
/// process it starts, killed and removed after it ends.
/// </summary>
/// <remarks>
/// <para>
/// <c>pids.max</c> bounds the command's processes (whatever the user, root included), <c>memory.max</c> its memory —
/// tmpfs pages it writes included, since the kernel charges them to the writer's cgroup — with
/// <c>memory.swap.max</c> 0 where swap is accounted, so the limit cannot be dodged into swap, and
/// <c>memory.oom.group</c> 1, so running out kills the command as a whole rather than one process of it. CPU seconds
/// are the whole command's: <c>cpu.stat</c>'s <c>usage_usec</c> is polled (<see cref="WatchCpuAsync"/>) and the cgroup
/// is killed when it passes the limit.
/// </para>
/// <para>
/// Entering before anything can fork: <see cref="Enter"/> prefixes the argv with <c>/bin/sh -c 'echo 0 &gt;
/// "$1/cgroup.procs" &amp;&amp; exec "$@"'</c>, so the shell moves itself into the cgroup and then becomes the sandbox
/// (bubblewrap has no cgroup option); the command is started only from inside. If the move fails the shell exits 125
/// and the command never starts. The command cannot leave: under bubblewrap <c>/sys/fs/cgroup</c> is part of the
/// read-only root, and Landlock grants no write outside the writable roots.
/// </para>
/// </remarks>
internal sealed class CommandCgroup : IDisposable
{
    /// <summary>How often <c>cpu.stat</c> is read; a command can overrun its CPU limit by about this much per CPU.</summary>
    internal static readonly TimeSpan CpuPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long <see cref="Dispose"/> waits for the killed processes to leave before giving up on removal.</summary>
    private static readonly TimeSpan EmptyingGrace = TimeSpan.FromSeconds(5);

    private const string EnterScript =
        "echo 0 > \"$1/cgroup.procs\" || { echo \"agentexec: could not enter the command's cgroup $1; the command did not run\" >&2; exit 125; }; shift; exec \"$@\"";

    private readonly ICgroupFiles _files;
    private readonly long? _cpuLimitMicroseconds;
    private int _disposed;

    private CommandCgroup(string path, ICgroupFiles files, long? cpuLimitMicroseconds)
    {
        Path = path;
        _files = files;
        _cpuLimitMicroseconds = cpuLimitMicroseconds;
    }

    /// <summary>The cgroup's directory.</summary>
    public string Path { get; }

    /// <summary>True once the command used up its CPU seconds and was killed for it.</summary>
    public bool CpuLimitReached { get; private set; }

    /// <summary>Makes the command's cgroup under <paramref name="delegation"/> with <paramref name="limits"/>.</summary>
    /// <exception cref="CgroupSetupException">It could not be made or a limit could not be set; nothing is left behind.</exception>
    public static CommandCgroup Create(CgroupV2Delegation delegation, ResourceLimits limits, ICgroupFiles files)
    {
        ArgumentNullException.ThrowIfNull(delegation);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(files);
        var path = System.IO.Path.Combine(delegation.Directory, "agentexec-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            files.CreateDirectory(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CgroupSetupException($"the command's cgroup {path} could not be created: {exception.Message}", exception);
        }

        var cgroup = new CommandCgroup(path, files, limits.MaxCpuSeconds * 1_000_000L);
        try
        {
            cgroup.Require("cgroup.procs", "cgroup.kill", "cgroup.events", "cpu.stat");
            if (limits.MaxProcesses is { } processes)
            {
                cgroup.Require("pids.max");
                cgroup.Set("pids.max", processes);
            }

            if (limits.MaxMemoryBytes is { } bytes)
            {
                cgroup.Require("memory.max");
                cgroup.Set("memory.max", bytes);
                cgroup.SetIfPresent("memory.swap.max", 0);
                cgroup.SetIfPresent("memory.oom.group", 1);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CgroupSetupException)
        {
            cgroup.Dispose();
            throw exception as CgroupSetupException ?? new CgroupSetupException($"a limit could not be set in {path}: {exception.Message}", exception);
        }

        return cgroup;
    }

    /// <summary>The argv that moves itself into this cgroup and then runs <paramref name="argv"/>.</summary>
    public IReadOnlyList<string> Enter(IReadOnlyList<string> argv) => ["/bin/sh", "-c", EnterScript, "agentexec-cgroup", Path, .. argv];

    /// <summary>Until cancelled, kills the cgroup once its CPU time passes the limit; returns at once without a CPU limit.</summary>
    public async Task WatchCpuAsync(CancellationToken cancellationToken)
    {
        if (_cpuLimitMicroseconds is not { } limit)
        {
            return;
        }

        using var timer = new PeriodicTimer(CpuPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (CheckCpu(limit))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    /// <summary>Reads the CPU time once; kills the cgroup and returns true when it passed <paramref name="limitMicroseconds"/>.</summary>
    internal bool CheckCpu(long limitMicroseconds)
    {
        // An unreadable cpu.stat counts as over the limit: the limit is only kept while it can be measured.
        if (ReadCounter("cpu.stat", "usage_usec") is { } used && used < limitMicroseconds)
        {
            return false;
        }

        CpuLimitReached = true;
        Kill();
        return true;
    }

    /// <summary>Which limits the command ran into, for the result's message; null when none.</summary>
    public string? Report()
    {
        var reached = new List<string>();
        if (CpuLimitReached)
        {
            reached.Add("its CPU seconds ran out and it was killed");
        }

        if (ReadCounter("memory.events", "oom_kill") is > 0)
        {
            reached.Add("it reached the memory limit and was killed");
        }

        if (ReadCounter("pids.events", "max") is { } refused && refused > 0)
        {
            reached.Add(string.Create(CultureInfo.InvariantCulture, $"the process limit refused {refused} fork(s)"));
        }

        return reached.Count == 0 ? null : "Resource limits (limits): " + string.Join("; ", reached) + ".";
    }

    /// <summary>Kills whatever is left in the cgroup and removes it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            Kill();
            var deadline = DateTime.UtcNow + EmptyingGrace;
            while (IsPopulated() && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }

            _files.RemoveDirectory(Path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A cgroup that cannot be removed holds no process (it was killed) and costs a directory; nothing to refuse.
        }
    }

    private void Kill()
    {
        var kill = System.IO.Path.Combine(Path, "cgroup.kill");
        if (_files.Exists(kill))
        {
            _files.Write(kill, "1");
        }
    }

    private bool IsPopulated() => ReadCounter("cgroup.events", "populated") is not 0;

    private void Require(params string[] names)
    {
        var missing = names.Where(name => !_files.Exists(System.IO.Path.Combine(Path, name))).ToArray();
        if (missing.Length > 0)
        {
            throw new CgroupSetupException($"the cgroup {Path} has no {string.Join(", ", missing)} (a pids or memory controller not enabled, or a kernel before Linux 5.14)");
        }
    }

    private void Set(string name, long value)
    {
        _files.Write(System.IO.Path.Combine(Path, name), value.ToString(CultureInfo.InvariantCulture));
    }

    private void SetIfPresent(string name, long value)
    {
        if (_files.Exists(System.IO.Path.Combine(Path, name)))
        {
            Set(name, value);
        }
    }

    /// <summary>The value of <paramref name="key"/> in a flat-keyed file such as <c>cpu.stat</c>; null when absent or unreadable.</summary>
    private long? ReadCounter(string file, string key)
    {
        try
        {
            foreach (var line in _files.Read(System.IO.Path.Combine(Path, file)).Split('\n'))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Unreadable: the caller treats it as unknown.
        }

        return null;
    }
}
