using AgentExec.Core.Execution.Limits;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// Whether this test process appears to sit in a cgroup v2 with the pids and memory controllers that it may write to,
/// looked at without changing anything (the server's own detection moves the process; see <see cref="CgroupV2Delegation"/>).
/// </summary>
internal static class DelegatedCgroupV2
{
    private static readonly Lazy<string?> Problem = new(FindProblem);

    private static readonly Lazy<(string? Directory, string? Problem)> Own = new(FindOwnWritable);

    /// <summary>This process's own cgroup v2 directory when it may create cgroups in it (whatever controllers it offers), else null.</summary>
    public static string? OwnWritableDirectory => Own.Value.Directory;

    /// <summary>Why the tests that need a cgroup v2 this process may create children in are skipped, or null when they run.</summary>
    public static string? SkipReasonForOwnWritable => Own.Value.Problem is { } problem
        ? $"SKIPPED, NOT PASSED: this process cannot create a cgroup v2 in its own cgroup ({problem}); run as root or in a delegated cgroup to exercise the real cgroupfs."
        : null;

    /// <summary>Why the real-kernel cgroup tests are skipped, or null when they run.</summary>
    public static string? SkipReason => Problem.Value is { } problem
        ? $"SKIPPED, NOT PASSED: no delegated cgroup v2 with the pids and memory controllers here ({problem}); the rlimit fallback is what runs on this machine and is tested instead. Run the tests in a cgroup of their own (systemd-run -p Delegate=yes --scope …) to exercise this."
        : null;

    /// <summary>Why the rlimit-only tests are skipped (a delegated cgroup v2 holds the limits here), or null when they run.</summary>
    public static string? SkipReasonForRlimitOnly => Problem.Value is null
        ? "SKIPPED, NOT PASSED: a delegated cgroup v2 is available here, so limits are not applied with rlimit."
        : null;

    private static (string? Directory, string? Problem) FindOwnWritable()
    {
        try
        {
            var cgroupPath = File.ReadAllLines("/proc/self/cgroup").FirstOrDefault(line => line.StartsWith("0::", StringComparison.Ordinal))?[3..];
            if (cgroupPath is null || CgroupV2Delegation.FindDirectory(File.ReadAllText("/proc/self/mountinfo"), cgroupPath) is not { } directory)
            {
                return (null, "no cgroup v2 hierarchy holds this process");
            }

            var probe = Path.Combine(directory, "agentexec-test-probe-" + Environment.ProcessId);
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return (directory, null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (null, exception.Message);
        }
    }

    private static string? FindProblem()
    {
        try
        {
            var cgroupPath = File.ReadAllLines("/proc/self/cgroup").FirstOrDefault(line => line.StartsWith("0::", StringComparison.Ordinal))?[3..];
            if (cgroupPath is null)
            {
                return "not in a cgroup v2 hierarchy";
            }

            if (CgroupV2Delegation.FindDirectory(File.ReadAllText("/proc/self/mountinfo"), cgroupPath) is not { } directory)
            {
                return "no cgroup2 mount";
            }

            var controllers = File.ReadAllText(Path.Combine(directory, "cgroup.controllers")).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (!controllers.Contains("pids") || !controllers.Contains("memory"))
            {
                return $"{directory} offers: {(controllers.Length == 0 ? "no controllers" : string.Join(' ', controllers))}";
            }

            using (File.Open(Path.Combine(directory, "cgroup.subtree_control"), FileMode.Open, FileAccess.Write))
            {
            }

            // The server's detection moves it into a leaf and hands the controllers down, which the kernel allows only
            // when nothing else shares the cgroup (the root cgroup excepted).
            var others = File.ReadAllLines(Path.Combine(directory, "cgroup.procs")).Where(pid => pid != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (cgroupPath != "/" && others.Length > 0)
            {
                return $"{directory} is shared with {others.Length} other process(es), so it is not delegated to this process alone";
            }

            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return exception.Message;
        }
    }
}

/// <summary>A test that needs a delegated cgroup v2 with the pids and memory controllers; skipped with the reason elsewhere.</summary>
public sealed class DelegatedCgroupV2FactAttribute : FactAttribute
{
    /// <summary>Skips when there is no delegated cgroup v2.</summary>
    public DelegatedCgroupV2FactAttribute()
    {
        if (DelegatedCgroupV2.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A test of the rlimit fallback's statements; skipped where a delegated cgroup v2 holds the limits instead.</summary>
public sealed class RlimitOnlyFactAttribute : FactAttribute
{
    /// <summary>Skips when a delegated cgroup v2 is available.</summary>
    public RlimitOnlyFactAttribute()
    {
        if (DelegatedCgroupV2.SkipReasonForRlimitOnly is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A test that creates real cgroups in this process's own cgroup v2; skipped with the reason where it may not.</summary>
public sealed class OwnCgroupV2FactAttribute : FactAttribute
{
    /// <summary>Skips when no cgroup can be created here.</summary>
    public OwnCgroupV2FactAttribute()
    {
        if (DelegatedCgroupV2.SkipReasonForOwnWritable is { } reason)
        {
            Skip = reason;
        }
    }
}
