using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// The private <c>/tmp</c> and <c>/dev/shm</c> are sized tmpfs, and the rest of <c>/dev</c> is read-only, through the
/// real bubblewrap: tmpfs pages are memory no rlimit counts (SPEC.md "Sandbox", "Optional limits").
/// </summary>
public sealed class BubblewrapTmpfsSizeTests
{
    private const long Mebibyte = 1024 * 1024;

    private readonly CommandRunner _runner = new();

    [BubblewrapTheory]
    [InlineData("/tmp")]
    [InlineData("/dev/shm")]
    public async Task Writing_more_than_the_memory_limit_into_a_private_tmpfs_runs_out_of_space(string directory)
    {
        using var sandboxDirectory = new SandboxTestDirectory();
        var script = $"head -c {20 * Mebibyte} /dev/zero > {directory}/fill && echo FILLED; rm -f {directory}/fill";

        // Positive control: with room for it, the same write succeeds.
        var roomy = await RunAsync(sandboxDirectory, script, new ResourceLimits(null, 64 * Mebibyte, null));
        Assert.Equal("FILLED\n", roomy.Stdout.Text);

        var limited = await RunAsync(sandboxDirectory, script, new ResourceLimits(null, 16 * Mebibyte, null));

        Assert.Equal(string.Empty, limited.Stdout.Text);
        Assert.Contains("No space left on device", limited.Stderr.Text, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    public async Task The_rest_of_dev_is_read_only_but_its_devices_still_work()
    {
        using var sandboxDirectory = new SandboxTestDirectory();
        const string script = "echo data > /dev/null && echo DEVICE-OK; echo planted > /dev/planted && echo PLANTED; echo x > /dev/shm/ok && echo SHM-OK";

        // Positive control: bubblewrap's own /dev, without the read-only remount, takes the file.
        var plain = await _runner.RunAsync(
            Spec([BubblewrapAvailability.Executable, "--ro-bind", "/", "/", "--dev", "/dev", "--", "bash", "-c", script], sandboxDirectory.Workspace),
            null,
            CancellationToken.None);
        Assert.Contains("PLANTED", plain.Stdout.Text, StringComparison.Ordinal);

        var result = await RunAsync(sandboxDirectory, script, ResourceLimits.None);

        Assert.Equal("DEVICE-OK\nSHM-OK\n", result.Stdout.Text);
        Assert.Contains("Read-only file system", result.Stderr.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plan_sizes_tmp_and_dev_shm_no_larger_than_the_memory_limit()
    {
        var invocation = BubblewrapMountPlanTests.Invocation("/nonexistent-workspace", SandboxMode.WorkspaceWrite) with
        {
            Limits = new ResourceLimits(null, 16 * Mebibyte, null),
        };

        var arguments = BubblewrapMountPlan.Create(invocation, BubblewrapMountPlanTests.HostPaths("/nonexistent-home")).ToArguments();

        Assert.True(BubblewrapMountPlanTests.IndexOf(arguments, "--size", "16777216", "--tmpfs", "/tmp") >= 0);
        Assert.True(BubblewrapMountPlanTests.IndexOf(arguments, "--perms", "1777", "--size", "16777216", "--tmpfs", "/dev/shm") >= 0);
        Assert.True(BubblewrapMountPlanTests.IndexOf(arguments, "--remount-ro", "/dev") > BubblewrapMountPlanTests.IndexOf(arguments, "--tmpfs", "/dev/shm"));
    }

    [Theory]
    [InlineData(16L * 1024 * 1024 * 1024, null, 4L * 1024 * 1024 * 1024, 64L * 1024 * 1024)]
    [InlineData(16L * 1024 * 1024 * 1024, 256L * 1024 * 1024, 256L * 1024 * 1024, 64L * 1024 * 1024)]
    [InlineData(16L * 1024 * 1024 * 1024, 32L * 1024 * 1024, 32L * 1024 * 1024, 32L * 1024 * 1024)]
    [InlineData(128L * 1024 * 1024, null, 32L * 1024 * 1024, 32L * 1024 * 1024)]
    [InlineData(0L, null, 1L * 1024 * 1024 * 1024, 64L * 1024 * 1024)]
    public void Default_sizes_are_a_quarter_of_memory_and_64_MiB_and_never_above_the_memory_limit(long hostMemory, long? memoryLimit, long tmp, long sharedMemory)
    {
        Assert.Equal(new PrivateTmpfsSizes(tmp, sharedMemory), PrivateTmpfsSizes.For(new ResourceLimits(null, memoryLimit, null), hostMemory));
    }

    private async Task<ExecutionResult> RunAsync(SandboxTestDirectory directory, string script, ResourceLimits limits)
    {
        var invocation = BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite) with
        {
            Argv = ["bash", "-c", script],
            Limits = limits,
        };
        var wrapped = new BubblewrapSandbox(BubblewrapAvailability.Executable, BubblewrapMountPlanTests.HostPaths(directory.Home)).Wrap(invocation);
        try
        {
            return await _runner.RunAsync(Spec(wrapped.Argv, directory.Workspace), null, CancellationToken.None);
        }
        finally
        {
            wrapped.Cleanup?.Invoke();
        }
    }

    private static ExecutionSpec Spec(IReadOnlyList<string> argv, string directory) =>
        new(argv, directory, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, TimeSpan.FromSeconds(60), 64 * 1024);
}
