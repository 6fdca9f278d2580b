using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;
using AgentExec.Tests.Core.Execution;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>The launcher binary driven directly: its own failures run nothing and say so.</summary>
[SupportedOSPlatform("linux")]
public sealed class LandlockLauncherTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly CommandRunner _runner = new();

    public void Dispose() => _directory.Dispose();

    [LandlockFact]
    public async Task A_malformed_argument_exits_121_and_runs_nothing()
    {
        // Arrange
        var witness = _directory.File("ran");

        // Act
        var result = await RunLauncherAsync(["--write", "relative/path", "--", "touch", witness]);

        // Assert
        Assert.Equal((int?)LandlockLauncherExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("agentexec landlock: usage error: --write needs an absolute path", result.Stderr.Text, StringComparison.Ordinal);
        Assert.False(File.Exists(witness), "The command ran despite the usage error.");
        Assert.True(SandboxDenialRule.LooksDenied(result));
    }

    [LandlockFact]
    public async Task A_writable_root_that_does_not_exist_exits_125_and_runs_nothing()
    {
        // Arrange
        var witness = _directory.File("ran");
        var missing = _directory.File("missing");

        // Act
        var result = await RunLauncherAsync(["--write", missing, "--", "touch", witness]);

        // Assert
        Assert.Equal((int?)LandlockLauncherExitCodes.SetupFailed, result.ExitCode);
        Assert.Contains($"cannot open '{missing}'", result.Stderr.Text, StringComparison.Ordinal);
        Assert.Contains("Nothing was run.", result.Stderr.Text, StringComparison.Ordinal);
        Assert.False(File.Exists(witness), "The command ran although the sandbox could not be set up.");
        Assert.True(SandboxDenialRule.LooksDenied(result));
    }

    [LandlockFact]
    public async Task A_program_that_does_not_exist_exits_125()
    {
        // Act
        var result = await RunLauncherAsync(["--", "agentexec-no-such-program"]);

        // Assert
        Assert.Equal((int?)LandlockLauncherExitCodes.SetupFailed, result.ExitCode);
        Assert.Contains("starting the command failed: No such file or directory", result.Stderr.Text, StringComparison.Ordinal);
    }

    [LandlockFact]
    public async Task The_command_gets_the_launcher_environment_with_tmpdir_replaced()
    {
        // Arrange
        var environment = new Dictionary<string, string>(BashSpecs.MinimalEnvironment) { ["TMPDIR"] = "/tmp", ["AGENTEXEC_TEST_VALUE"] = "kept" };

        // Act
        var result = await RunLauncherAsync(["--tmpdir", _directory.Path, "--", "bash", "-c", "echo \"$TMPDIR $AGENTEXEC_TEST_VALUE $LANG\""], environment);

        // Assert
        Assert.Equal($"{_directory.Path} kept C.UTF-8\n", result.Stdout.Text);
    }

    [LandlockFact]
    public async Task The_abi_limit_is_honoured()
    {
        // Act: under ABI 5 there is no signal scoping, so the command may signal its own launcher with signal 0.
        var limited = await RunLauncherAsync(["--abi-limit", "5", "--", "bash", "-c", "kill -0 $PPID && echo reachable"]);

        // Assert
        Assert.Equal("reachable\n", limited.Stdout.Text);
    }

    [LandlockFact]
    public async Task The_launcher_outlives_the_terminal_signals_so_that_its_command_is_never_orphaned()
    {
        // Arrange: Ctrl-C reaches the whole foreground process group, launcher included. Were the launcher to die of
        // it, the command would be reparented away from the tree its caller kills. The command prints the launcher's
        // pid; the observer signals it at once.
        var launcherPid = 0;
        var script = "echo $PPID; sleep 1; echo survived";

        // Act
        var result = await _runner.RunAsync(
            BashSpecs.Argv([LandlockTestLauncher.Path, LandlockLauncher.Verb, "--", "bash", "-c", script], _directory.Path),
            new SignalOnFirstLine(pid =>
            {
                launcherPid = pid;
                foreach (var signal in new[] { LinuxSignal.Terminate, LinuxSignal.Interrupt, LinuxSignal.Hangup, LinuxSignal.Quit })
                {
                    Libc.Kill(pid, signal);
                }
            }),
            CancellationToken.None);

        // Assert
        Assert.NotEqual(0, launcherPid);
        Assert.Equal((ExecutionOutcome.Exited, (int?)0), (result.Outcome, result.ExitCode));
        Assert.EndsWith("survived\n", result.Stdout.Text, StringComparison.Ordinal);
    }

    [LandlockFact]
    public async Task A_command_whose_server_dies_is_killed_with_everything_it_started()
    {
        // Found by an attack: the server killed with SIGKILL left the launcher and its command running, reparented, with
        // no timeout and nobody to record them. Here a bash stands for the server: it starts the launcher, then dies.
        var late = System.IO.Path.Combine(_directory.Path, "late");
        var orphanLate = System.IO.Path.Combine(_directory.Path, "orphan-late");
        var command = $"( sleep 4; touch '{orphanLate}' ) & sleep 4; touch '{late}'";
        var server = $"'{LandlockTestLauncher.Path}' {LandlockLauncher.Verb} --write '{_directory.Path}' -- bash -c \"{command}\" & sleep 0.5; kill -9 $$";

        var result = await _runner.RunAsync(BashSpecs.Argv(["bash", "-c", server], _directory.Path), null, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(5));

        Assert.Equal(137, result.ExitCode);
        Assert.False(File.Exists(late), "the command went on after its server died");
        Assert.False(File.Exists(orphanLate), "a process the command started went on after its server died");
    }

    private Task<ExecutionResult> RunLauncherAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        _runner.RunAsync(
            BashSpecs.Argv([LandlockTestLauncher.Path, LandlockLauncher.Verb, .. arguments], _directory.Path, environment: environment),
            null,
            CancellationToken.None);

    /// <summary>Calls back with the pid the command prints as its first line.</summary>
    private sealed class SignalOnFirstLine(Action<int> onPid) : IOutputObserver
    {
        private readonly StringBuilder _line = new();
        private Action<int>? _onPid = onPid;

        public void OnStdout(ReadOnlySpan<byte> chunk)
        {
            _line.Append(Encoding.UTF8.GetString(chunk));
            var text = _line.ToString();
            if (_onPid is { } onPid && text.IndexOf('\n', StringComparison.Ordinal) is var end and > 0)
            {
                _onPid = null;
                onPid(int.Parse(text[..end], CultureInfo.InvariantCulture));
            }
        }

        public void OnStderr(ReadOnlySpan<byte> chunk)
        {
        }
    }
}
