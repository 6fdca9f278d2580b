using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Execution.Limits;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Execution.Limits;

/// <summary>One command's cgroup: its limits, entering it before the command starts, the CPU watch, removal, and failing closed.</summary>
public sealed class CommandCgroupTests
{
    private static readonly ResourceLimits AllThree = new(MaxProcesses: 64, MaxMemoryBytes: 256L * 1024 * 1024, MaxCpuSeconds: 2);

    [Fact]
    public void The_commands_cgroup_gets_the_process_memory_and_no_swap_limits_and_is_removed_afterwards()
    {
        using var root = new TemporaryDirectory();
        var files = Delegated(root.Path);

        string path;
        using (var cgroup = CommandCgroup.Create(new CgroupV2Delegation(root.Path), AllThree, files))
        {
            path = cgroup.Path;
            Assert.Equal("64", File.ReadAllText(Path.Combine(path, "pids.max")));
            Assert.Equal("268435456", File.ReadAllText(Path.Combine(path, "memory.max")));
            Assert.Equal("0", File.ReadAllText(Path.Combine(path, "memory.swap.max")));
            Assert.Equal("1", File.ReadAllText(Path.Combine(path, "memory.oom.group")));
            Assert.Null(cgroup.Report());
        }

        // Leftovers are killed before the cgroup is removed.
        Assert.Contains($"{Path.Combine(path, "cgroup.kill")}=1", files.Writes);
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public void A_subtree_without_the_controllers_enabled_fails_closed_and_leaves_nothing()
    {
        using var root = new TemporaryDirectory();
        FakeCgroupFiles.MakeCgroup(root.Path, "memory pids", subtreeControl: "memory");
        var files = new FakeCgroupFiles();

        var failure = Assert.Throws<CgroupSetupException>(() => CommandCgroup.Create(new CgroupV2Delegation(root.Path), AllThree, files));

        Assert.Contains("has no pids.max", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(root.Path));
    }

    [Fact]
    public void The_cgroup_is_killed_once_the_commands_cpu_time_passes_the_limit_and_the_report_says_so()
    {
        using var root = new TemporaryDirectory();
        var files = Delegated(root.Path);
        using var cgroup = CommandCgroup.Create(new CgroupV2Delegation(root.Path), AllThree, files);
        var kill = $"{Path.Combine(cgroup.Path, "cgroup.kill")}=1";

        // Below the limit (summed over all the command's processes by the kernel): nothing happens.
        File.WriteAllText(Path.Combine(cgroup.Path, "cpu.stat"), "usage_usec 1999999\n");
        Assert.False(cgroup.CheckCpu(2_000_000));
        Assert.DoesNotContain(kill, files.Writes);

        File.WriteAllText(Path.Combine(cgroup.Path, "cpu.stat"), "usage_usec 2000000\n");
        Assert.True(cgroup.CheckCpu(2_000_000));
        Assert.Contains(kill, files.Writes);
        Assert.Contains("its CPU seconds ran out", cgroup.Report(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_cpu_time_counts_as_over_the_limit()
    {
        using var root = new TemporaryDirectory();
        var files = Delegated(root.Path);
        using var cgroup = CommandCgroup.Create(new CgroupV2Delegation(root.Path), AllThree, files);
        File.Delete(Path.Combine(cgroup.Path, "cpu.stat"));

        Assert.True(cgroup.CheckCpu(2_000_000));
    }

    [Fact]
    public void The_report_names_an_out_of_memory_kill_and_refused_forks()
    {
        using var root = new TemporaryDirectory();
        using var cgroup = CommandCgroup.Create(new CgroupV2Delegation(root.Path), AllThree, Delegated(root.Path));
        File.WriteAllText(Path.Combine(cgroup.Path, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        File.WriteAllText(Path.Combine(cgroup.Path, "pids.events"), "max 7\n");

        Assert.Equal(
            "Resource limits (limits): it reached the memory limit and was killed; the process limit refused 7 fork(s).",
            cgroup.Report());
    }

    [Fact]
    public async Task The_command_enters_its_cgroup_before_it_runs_and_does_not_run_when_it_cannot()
    {
        // The real /bin/sh step against a plain directory: its cgroup.procs records what the shell wrote.
        using var root = new TemporaryDirectory();
        var runner = new CommandRunner();
        var cgroup = Directory.CreateDirectory(Path.Combine(root.Path, "cg")).FullName;
        File.WriteAllText(Path.Combine(cgroup, "cgroup.procs"), "");
        var witness = Path.Combine(root.Path, "ran");
        using var limits = CommandCgroup.Create(new CgroupV2Delegation(root.Path), ResourceLimits.None, Delegated(root.Path));
        var argv = limits.Enter(["bash", "-c", $"cat {cgroup}/cgroup.procs; touch {witness}"]);

        // Positive control: with a cgroup.procs to write, the shell writes "0" (itself) and then runs the command.
        var entered = await runner.RunAsync(Spec([.. argv.Take(4), cgroup, .. argv.Skip(5)], root.Path), null, CancellationToken.None);
        Assert.Equal(0, entered.ExitCode);
        Assert.Equal("0\n", entered.Stdout.Text);
        Assert.True(File.Exists(witness));
        File.Delete(witness);

        // Without one, the command never starts.
        var refused = await runner.RunAsync(Spec([.. argv.Take(4), Path.Combine(root.Path, "gone"), .. argv.Skip(5)], root.Path), null, CancellationToken.None);
        Assert.Equal(ResourceLimitCommand.LimitFailedExitCode, refused.ExitCode);
        Assert.Contains("could not enter the command's cgroup", refused.Stderr.Text, StringComparison.Ordinal);
        Assert.False(File.Exists(witness));
    }

    [Fact]
    public async Task A_cgroup_that_cannot_be_made_stops_the_command_with_the_reason()
    {
        using var workspace = new TemporaryDirectory();
        using var cgroups = new TemporaryDirectory();
        FakeCgroupFiles.MakeCgroup(cgroups.Path, "memory pids", "memory pids");
        var settings = PipelineFactory.Settings(workspace.Path, ApprovalPolicy.Never) with { Limits = AllThree };
        var witness = Path.Combine(workspace.Path, "ran");

        // Positive control: with a cgroup that can be made, the same command runs (the /bin/sh step writes to the fake's
        // cgroup.procs, a plain file).
        var working = Pipeline(settings, LimitEnforcement.WithCgroup(AllThree, new CgroupV2Delegation(cgroups.Path), new FakeCgroupFiles()));
        var ran = await working.ExecuteAsync(Request(workspace.Path, $"touch {witness}"), NobodyToAsk.Instance, null, CancellationToken.None);
        Assert.Equal(ShellStatus.Completed, ran.Status);
        Assert.True(File.Exists(witness));
        File.Delete(witness);

        var refusing = Pipeline(settings, LimitEnforcement.WithCgroup(AllThree, new CgroupV2Delegation(cgroups.Path), new FakeCgroupFiles { RefuseCreate = true }));
        var result = await refusing.ExecuteAsync(Request(workspace.Path, $"touch {witness}"), NobodyToAsk.Instance, null, CancellationToken.None);

        Assert.Equal(ShellStatus.FailedToStart, result.Status);
        Assert.StartsWith("The resource limits could not be set up, so the command was not run: the command's cgroup", result.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(witness));
    }

    private static FakeCgroupFiles Delegated(string directory)
    {
        FakeCgroupFiles.MakeCgroup(directory, "cpu memory pids", "memory pids");
        return new FakeCgroupFiles();
    }

    private static ExecutionSpec Spec(IReadOnlyList<string> argv, string directory) =>
        new(argv, directory, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, TimeSpan.FromSeconds(30), 4096);

    private static ExecPipeline Pipeline(AgentExecSettings settings, LimitEnforcement limits) =>
        new(new PipelineDependencies(
            settings,
            new FixedRuleSource([]),
            SandboxSelector.Select(settings),
            DisabledRiskAssessor.Instance,
            new RecordingAuditLog(),
            ChildEnvironment.ReadHost())
        {
            Limits = limits,
        });

    private static ExecRequest Request(string workdir, string command) =>
        new(command, workdir, TimeSpan.FromSeconds(30), null, EscalationKind.None, "cgroup-test");
}
