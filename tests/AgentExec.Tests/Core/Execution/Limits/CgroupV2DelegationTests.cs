using AgentExec.Core.Configuration;
using AgentExec.Core.Execution.Limits;

namespace AgentExec.Tests.Core.Execution.Limits;

/// <summary>Finding and preparing a delegated cgroup v2 subtree, against a fake cgroupfs (the kernel's is not delegated on most machines).</summary>
public sealed class CgroupV2DelegationTests
{
    private const int ServerPid = 4242;

    private static readonly ResourceLimits Limits = new(64, 256L * 1024 * 1024, 10);

    [Fact]
    public void A_delegated_service_cgroup_is_used_after_the_server_moves_into_a_leaf_and_hands_the_controllers_down()
    {
        using var root = new TemporaryDirectory();
        var service = Path.Combine(root.Path, "system.slice", "agentexec.service");
        FakeCgroupFiles.MakeCgroup(service, "cpu memory pids");
        var files = new FakeCgroupFiles();

        var delegation = CgroupV2Delegation.TryDetect("0::/system.slice/agentexec.service\n", MountInfo(root.Path), ServerPid, Limits, files, out var error);

        Assert.NotNull(delegation);
        Assert.Equal(string.Empty, error);
        Assert.Equal(service, delegation.Directory);
        Assert.Equal("4242", File.ReadAllText(Path.Combine(service, CgroupV2Delegation.ServerLeafName, "cgroup.procs")));
        Assert.Equal("memory pids\n", File.ReadAllText(Path.Combine(service, "cgroup.subtree_control")));

        // The server moved before the controllers were enabled (the no-internal-processes rule), and the probe cgroup is gone.
        Assert.True(files.Writes.FindIndex(w => w.Contains("cgroup.procs", StringComparison.Ordinal)) < files.Writes.FindIndex(w => w.Contains("subtree_control", StringComparison.Ordinal)));
        Assert.Equal([CgroupV2Delegation.ServerLeafName], Directory.GetDirectories(service).Select(Path.GetFileName));
    }

    [Fact]
    public void A_cgroup_v2_without_the_memory_and_pids_controllers_is_not_used_and_says_why()
    {
        // As on a hybrid system: an empty cgroup2 beside the v1 hierarchies that hold the controllers.
        using var root = new TemporaryDirectory();
        FakeCgroupFiles.MakeCgroup(root.Path, "");
        var files = new FakeCgroupFiles();

        var delegation = CgroupV2Delegation.TryDetect("4:memory:/x\n0::/\n", MountInfo(root.Path), ServerPid, Limits, files, out var error);

        Assert.Null(delegation);
        Assert.Contains("does not offer the pids and memory controllers (available: none", error, StringComparison.Ordinal);
        Assert.Empty(files.Writes);
    }

    [Fact]
    public void A_cgroup_shared_with_other_processes_is_given_back_and_the_server_moves_back()
    {
        using var root = new TemporaryDirectory();
        var session = Path.Combine(root.Path, "user.slice", "session-1.scope");
        FakeCgroupFiles.MakeCgroup(session, "memory pids");
        var files = new FakeCgroupFiles { SubtreeControlBusy = true };

        var delegation = CgroupV2Delegation.TryDetect("0::/user.slice/session-1.scope\n", MountInfo(root.Path), ServerPid, Limits, files, out var error);

        Assert.Null(delegation);
        Assert.Contains("is not delegated to AgentExec alone (Device or resource busy)", error, StringComparison.Ordinal);
        Assert.Equal("4242", File.ReadAllText(Path.Combine(session, "cgroup.procs")));
        Assert.False(Directory.Exists(Path.Combine(session, CgroupV2Delegation.ServerLeafName)));
    }

    [Fact]
    public void A_subtree_the_server_may_not_write_is_not_used()
    {
        using var root = new TemporaryDirectory();
        var service = Path.Combine(root.Path, "svc");
        FakeCgroupFiles.MakeCgroup(service, "memory pids");

        var delegation = CgroupV2Delegation.TryDetect("0::/svc\n", MountInfo(root.Path), ServerPid, Limits, new FakeCgroupFiles { RefuseCreate = true }, out var error);

        Assert.Null(delegation);
        Assert.Contains("is not delegated to AgentExec alone (Access to the path", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_process_outside_any_cgroup_v2_hierarchy_is_told_so()
    {
        var delegation = CgroupV2Delegation.TryDetect("4:memory:/x\n1:name=systemd:/\n", "", ServerPid, Limits, new FakeCgroupFiles(), out var error);

        Assert.Null(delegation);
        Assert.Contains("no cgroup v2 hierarchy", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("31 23 0:28 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw", "/a/b", "/sys/fs/cgroup/a/b")]
    [InlineData("31 23 0:28 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw", "/", "/sys/fs/cgroup")]
    [InlineData("41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw", "/x", "/sys/fs/cgroup/unified/x")]
    [InlineData("31 23 0:28 /box /mnt/cg\\040v2 rw - cgroup2 none rw", "/box/run", "/mnt/cg v2/run")]
    [InlineData("31 23 0:28 /box /mnt/cg rw - cgroup2 none rw", "/boxer", null)]
    [InlineData("35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory", "/a", null)]
    public void The_cgroup_directory_is_found_under_the_cgroup2_mount(string mountLine, string cgroupPath, string? expected)
    {
        Assert.Equal(expected, CgroupV2Delegation.FindDirectory(mountLine + "\n", cgroupPath));
    }

    internal static string MountInfo(string mountPoint) =>
        $"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n41 31 0:38 / {mountPoint} rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
}
