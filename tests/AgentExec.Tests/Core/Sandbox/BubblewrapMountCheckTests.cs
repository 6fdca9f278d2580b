using AgentExec.Core.Sandbox;
using AgentExec.Tests.EndToEnd;
using AgentExec.Tests.TestSupport;
using static AgentExec.Core.Sandbox.BubblewrapMountCheck;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// The check bubblewrap's sandbox runs before the command (<see cref="BubblewrapMountCheck"/>), against the real bwrap
/// and the kernel's mount table: each test builds the sandbox a race would have built, with bwrap itself, and sees
/// whether the command runs.
/// </summary>
/// <remarks>
/// The race (a command running in the workspace swaps a directory for a link between the plan and bwrap's mount) is
/// timing; what it leaves behind is not. An attack got a writable bind of the home directory where the plan had
/// pinned <c>sub/</c>, and a pin that is missing from its place; these are those sandboxes.
/// </remarks>
public sealed class BubblewrapMountCheckTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public BubblewrapMountCheckTests()
    {
        Workspace = _temp.File("work space"); // a space, escaped in the mount table as \040
        Outside = _temp.File("outside");
        Directory.CreateDirectory(Path.Join(Workspace, "sub"));
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Join(Workspace, "sub", "k.pem"), "secret");
    }

    private string Workspace { get; }

    private string Outside { get; }

    private string Sub => Path.Join(Workspace, "sub");

    public void Dispose() => _temp.Dispose();

    [BubblewrapFact]
    public async Task The_sandbox_built_as_planned_runs_the_command()
    {
        var result = await RunAsync(["--bind", Workspace, Workspace, "--bind", Sub, Sub, "--ro-bind", "/dev/null", Path.Join(Sub, "k.pem")],
            [Expectation.Root(Workspace), Expectation.SelfBind(Sub, Workspace), Expectation.Hiding(Path.Join(Sub, "k.pem"))]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("ran\n", result.Stdout);
    }

    [BubblewrapFact]
    public async Task A_pin_that_binds_another_directory_stops_the_command()
    {
        // What a source swapped for a link leaves: sub/ is a mount point, of the directory outside.
        var result = await RunAsync(["--bind", Workspace, Workspace, "--bind", Outside, Sub],
            [Expectation.Root(Workspace), Expectation.SelfBind(Sub, Workspace)]);

        AssertRefused(result, "does not bind what was planned");
    }

    [BubblewrapFact]
    public async Task A_pin_mounted_elsewhere_stops_the_command()
    {
        // What a destination swapped for a link leaves: nothing at sub/, a writable bind somewhere outside the workspace.
        var result = await RunAsync(["--bind", Workspace, Workspace, "--bind", Outside, Outside],
            [Expectation.Root(Workspace), Expectation.SelfBind(Sub, Workspace)]);

        AssertRefused(result, "nothing is mounted at");
    }

    [BubblewrapFact]
    public async Task A_writable_mount_from_outside_the_roots_stops_the_command_though_every_planned_mount_stands()
    {
        var result = await RunAsync(["--bind", Workspace, Workspace, "--bind", Sub, Sub, "--bind", Outside, Outside],
            [Expectation.Root(Workspace), Expectation.SelfBind(Sub, Workspace)]);

        AssertRefused(result, "outside the writable roots");
    }

    [BubblewrapFact]
    public async Task A_missing_hiding_mount_stops_the_command()
    {
        var result = await RunAsync(["--bind", Workspace, Workspace],
            [Expectation.Root(Workspace), Expectation.Hiding(Path.Join(Sub, "k.pem"))]);

        AssertRefused(result, "nothing is mounted at");
    }

    [BubblewrapFact]
    public async Task A_fifo_planted_as_a_nested_dot_git_does_not_stop_the_next_sandboxed_run()
    {
        // Found by the same attack: the plan opened sub/.git to follow a gitdir line, and a FIFO there blocked the open,
        // and every later sandboxed call with it, past its timeout.
        using var agentexec = new AgentExecProcess();
        Directory.CreateDirectory(Path.Join(agentexec.Workspace, "sub"));
        Assert.Equal(0, HostCommand.Run(agentexec.Workspace, "mkfifo", "sub/.git").ExitCode);

        var result = await agentexec.RunAsync(["run", "--timeout-ms", "20000", "--", "bash", "-c", "echo ran"]).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("ran\n", result.StandardOutput);
    }

    private static void AssertRefused((int ExitCode, string Stdout, string Stderr) result, string why)
    {
        Assert.Equal(RefusedExitCode, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains("the sandbox was not built as planned", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(why, result.Stderr, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyList<string> mounts, IReadOnlyList<Expectation> expectations)
    {
        var start = new System.Diagnostics.ProcessStartInfo(BubblewrapAvailability.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--unshare-pid", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", .. mounts, "--chdir", Workspace, "--", .. Wrap(expectations, ["echo", "ran"])])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, stdout, await stderr);
    }
}
