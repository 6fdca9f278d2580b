using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Execution.Limits;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using AgentExec.Tests.Core.Sandbox;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Execution.Limits;

/// <summary>
/// The limits through a real delegated cgroup v2, where the machine has one (skipped with the reason elsewhere), and
/// the sandbox's hold on <c>/sys/fs/cgroup</c> wherever a cgroup2 is mounted.
/// </summary>
public sealed class CgroupLimitsKernelTests
{
    private const long Mebibyte = 1024 * 1024;

    [DelegatedCgroupV2Fact]
    public async Task The_process_limit_binds_the_commands_own_processes_root_included()
    {
        const string command = "for i in $(seq 40); do sleep 1 & done; wait; echo DONE";

        // Positive control: with room for 40 sleeps, they all start.
        var roomy = await RunAsync(new ResourceLimits(100, null, null), command, SandboxMode.DangerFullAccess);
        Assert.Equal("DONE\n", roomy.Stdout.Text);
        Assert.Null(roomy.Message);

        var limited = await RunAsync(new ResourceLimits(16, null, null), command, SandboxMode.DangerFullAccess);

        Assert.Contains("Resource temporarily unavailable", limited.Stderr.Text, StringComparison.Ordinal);
        Assert.Contains("the process limit refused", limited.Message, StringComparison.Ordinal);
    }

    [DelegatedCgroupV2Fact]
    public async Task The_memory_limit_counts_the_commands_total_and_its_tmpfs_pages()
    {
        // 24 MiB in each of /tmp and /dev/shm: each fits its tmpfs (48 MiB, 48 MiB capped to 64 MiB), the sum does not fit 48 MiB.
        const string command = "head -c 25165824 /dev/zero > /tmp/a && head -c 25165824 /dev/zero > /dev/shm/b && echo FILLED; sleep 0.1";
        var mode = BubblewrapAvailability.SkipReason is null ? SandboxMode.WorkspaceWrite : SandboxMode.DangerFullAccess;
        var script = mode == SandboxMode.WorkspaceWrite ? command : "d=$(mktemp -d -p /dev/shm) && " + command.Replace("/tmp/a", "$d/a", StringComparison.Ordinal).Replace("/dev/shm/b", "$d/b", StringComparison.Ordinal) + "; rm -rf \"$d\"";

        // Positive control: a limit that holds both succeeds.
        var roomy = await RunAsync(new ResourceLimits(null, 256 * Mebibyte, null), script, mode);
        Assert.Contains("FILLED", roomy.Stdout.Text, StringComparison.Ordinal);

        var limited = await RunAsync(new ResourceLimits(null, 48 * Mebibyte, null), script, mode);

        Assert.DoesNotContain("FILLED", limited.Stdout.Text, StringComparison.Ordinal);
        Assert.Contains("memory limit", limited.Message, StringComparison.Ordinal);
    }

    [OwnCgroupV2Fact]
    public async Task Each_command_runs_inside_its_own_real_cgroup_which_is_removed_afterwards()
    {
        // Whatever controllers this cgroup v2 offers (none but hugetlb on a hybrid host): cgroup.procs, cpu.stat and
        // cgroup.kill are always there, so the entering step, the CPU watch and the removal run on the real kernel.
        var directory = DelegatedCgroupV2.OwnWritableDirectory!;
        var limits = new ResourceLimits(null, null, 60);
        var enforcement = LimitEnforcement.WithCgroup(limits, new CgroupV2Delegation(directory), KernelCgroupFiles.Instance);
        var mode = BubblewrapAvailability.SkipReason is null ? SandboxMode.WorkspaceWrite : SandboxMode.DangerFullAccess;

        var result = await RunAsync(limits, "cat /proc/self/cgroup", mode, enforcement);

        Assert.Matches("(?m)^0::/.*agentexec-run-[0-9a-f]{32}$", result.Stdout.Text);
        Assert.Empty(Directory.GetDirectories(directory, "agentexec-run-*"));
    }

    [OwnCgroupV2Fact]
    public async Task The_cpu_limit_through_a_real_cgroup_is_the_commands_total_and_kills_it()
    {
        // Two processes with a fixed amount of work each (about 1-2.5 s of CPU on today's machines, however loaded):
        // RLIMIT_CPU at 1 s per process might stop neither; the cgroup's total passes 1 s well before both finish.
        const string command = "burn() { i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done; }; burn & burn & wait; echo SURVIVED";
        var directory = DelegatedCgroupV2.OwnWritableDirectory!;

        var limited = await RunAsync(new ResourceLimits(null, null, 1), command, SandboxMode.DangerFullAccess, Real(new ResourceLimits(null, null, 1), directory));

        Assert.DoesNotContain("SURVIVED", limited.Stdout.Text, StringComparison.Ordinal);
        Assert.Contains("CPU seconds ran out", limited.Message, StringComparison.Ordinal);

        // Positive control: with enough CPU seconds the same command finishes.
        var roomy = await RunAsync(new ResourceLimits(null, null, 60), command, SandboxMode.DangerFullAccess, Real(new ResourceLimits(null, null, 60), directory));
        Assert.Contains("SURVIVED", roomy.Stdout.Text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(directory, "agentexec-run-*"));
    }

    [OwnCgroupV2Fact]
    public async Task A_limit_the_real_cgroup_cannot_hold_stops_the_command()
    {
        var directory = DelegatedCgroupV2.OwnWritableDirectory!;
        if (File.ReadAllText(Path.Combine(directory, "cgroup.subtree_control")).Contains("pids", StringComparison.Ordinal))
        {
            // This cgroup hands the pids controller down, so the limit can be held: nothing to refuse here.
            return;
        }

        using var witnessDirectory = new TemporaryDirectory();
        var witness = Path.Combine(witnessDirectory.Path, "ran");
        var limits = new ResourceLimits(16, null, null);

        var result = await RunCheckedAsync(limits, $"touch {witness}", SandboxMode.DangerFullAccess, Real(limits, directory));

        Assert.Equal(ShellStatus.FailedToStart, result.Status);
        Assert.Contains("has no pids.max", result.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(witness));
        Assert.Empty(Directory.GetDirectories(directory, "agentexec-run-*"));

        // Positive control: the same command with a limit this cgroup can hold runs.
        var cpuOnly = new ResourceLimits(null, null, 60);
        await RunAsync(cpuOnly, $"touch {witness}", SandboxMode.DangerFullAccess, Real(cpuOnly, directory));
        Assert.True(File.Exists(witness));
    }

    [BubblewrapFact]
    public async Task A_sandboxed_command_cannot_move_itself_to_another_cgroup()
    {
        var command = $"echo 0 > {CgroupV2RootProcs()} && echo MOVED";

        await AssertTheMoveWorksUnsandboxedAsync(command);

        var sandboxed = await RunAsync(ResourceLimits.None, command, SandboxMode.WorkspaceWrite);

        Assert.Equal(string.Empty, sandboxed.Stdout.Text);
        Assert.Matches("Read-only file system|Permission denied", sandboxed.Stderr.Text);
    }

    [LandlockFact]
    public async Task A_command_under_landlock_cannot_move_itself_to_another_cgroup()
    {
        using var scenario = new LandlockScenario();
        var command = $"echo 0 > {CgroupV2RootProcs()} && echo MOVED";

        await AssertTheMoveWorksUnsandboxedAsync(command);

        var sandboxed = await scenario.RunAsync(command);

        Assert.Equal(string.Empty, sandboxed.Stdout.Text);
        Assert.Contains("Permission denied", sandboxed.Stderr.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// The positive control of the two tests above: unsandboxed, the move works where this user may move processes at
    /// all (root); otherwise the kernel's own permission check stops it.
    /// </summary>
    private static async Task AssertTheMoveWorksUnsandboxedAsync(string command)
    {
        var direct = await RunAsync(ResourceLimits.None, command, SandboxMode.DangerFullAccess);
        if (Environment.UserName == "root")
        {
            Assert.Equal("MOVED\n", direct.Stdout.Text);
        }
        else
        {
            Assert.Contains("Permission denied", direct.Stderr.Text, StringComparison.Ordinal);
        }
    }

    /// <summary>Any cgroup2 root's <c>cgroup.procs</c>: writing "0" there moves the writer to the root cgroup, out of its limits.</summary>
    private static string CgroupV2RootProcs()
    {
        var target = File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(" - ", 2))
            .Where(parts => parts.Length == 2 && parts[1].StartsWith("cgroup2 ", StringComparison.Ordinal))
            .Select(parts => Path.Combine(parts[0].Split(' ')[4], "cgroup.procs"))
            .FirstOrDefault();
        Assert.NotNull(target);
        return target;
    }

    private static LimitEnforcement Real(ResourceLimits limits, string directory) =>
        LimitEnforcement.WithCgroup(limits, new CgroupV2Delegation(directory), KernelCgroupFiles.Instance);

    private static async Task<ShellResult> RunAsync(ResourceLimits limits, string command, SandboxMode mode, LimitEnforcement? enforcement = null)
    {
        var result = await RunCheckedAsync(limits, command, mode, enforcement);
        Assert.True(result.Status == ShellStatus.Completed, $"{result.Status}: {result.Message}");
        return result;
    }

    private static async Task<ShellResult> RunCheckedAsync(ResourceLimits limits, string command, SandboxMode mode, LimitEnforcement? enforcement)
    {
        using var workspace = new SandboxTestDirectory();
        var settings = PipelineFactory.Settings(workspace.Workspace, ApprovalPolicy.Never) with
        {
            Limits = limits,
            Sandbox = mode,
            AuditLogPath = Path.Combine(workspace.Root, "audit.jsonl"),
        };
        var pipeline = new ExecPipeline(new PipelineDependencies(
            settings,
            new FixedRuleSource([]),
            SandboxSelector.Select(settings),
            DisabledRiskAssessor.Instance,
            new RecordingAuditLog(),
            ChildEnvironment.ReadHost())
        {
            Limits = enforcement ?? LimitEnforcement.Detect(limits),
        });
        return await pipeline.ExecuteAsync(
            new ExecRequest(command, workspace.Workspace, TimeSpan.FromSeconds(60), null, EscalationKind.None, "cgroup-kernel-test"),
            NobodyToAsk.Instance,
            null,
            CancellationToken.None);
    }
}
