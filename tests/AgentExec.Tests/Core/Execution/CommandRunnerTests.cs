using System.Runtime.Versioning;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

// The runner tests drive real bash processes; they run where the product runs.
[SupportedOSPlatform("linux")]
public sealed class CommandRunnerTests
{
    private readonly CommandRunner _runner = new();

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 3", 3)]
    [InlineData("exit 255", 255)]
    public async Task The_exit_code_is_passed_through(string script, int exitCode)
    {
        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash(script), null, CancellationToken.None);

        // Assert
        Assert.Equal((ExecutionOutcome.Exited, (int?)exitCode, (string?)null), (result.Outcome, result.ExitCode, result.StartError));
    }

    [Fact]
    public async Task A_process_killed_by_a_signal_exits_with_128_plus_the_signal()
    {
        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("kill -9 $$"), null, CancellationToken.None);

        // Assert
        Assert.Equal((ExecutionOutcome.Exited, (int?)137), (result.Outcome, result.ExitCode));
    }

    [Fact]
    public async Task Stdout_and_stderr_are_captured_separately()
    {
        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("echo out; echo err >&2"), null, CancellationToken.None);

        // Assert
        Assert.Equal(new CapturedOutput("out\n", 4, false), result.Stdout);
        Assert.Equal(new CapturedOutput("err\n", 4, false), result.Stderr);
    }

    [Fact]
    public async Task Stdin_is_empty_so_a_reading_command_ends_at_once()
    {
        // Act
        var result = await _runner.RunAsync(BashSpecs.Argv(["cat"], timeout: TimeSpan.FromSeconds(10)), null, CancellationToken.None);

        // Assert
        Assert.Equal((ExecutionOutcome.Exited, (int?)0, CapturedOutput.Empty), (result.Outcome, result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task The_working_directory_is_honoured()
    {
        // Arrange
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.File("marker.txt"), "here");

        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("cat marker.txt", directory.Path), null, CancellationToken.None);

        // Assert
        Assert.Equal("here", result.Stdout.Text);
    }

    [Fact]
    public async Task A_program_is_looked_up_on_the_childs_path_not_the_hosts()
    {
        // Arrange: a tool only the child's PATH knows about.
        using var directory = new TemporaryDirectory();
        var tool = directory.File("only-here");
        File.WriteAllText(tool, "#!/bin/sh\necho found\n");
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string> { ["PATH"] = $"{directory.Path}:/usr/bin:/bin" };

        // Act
        var result = await _runner.RunAsync(BashSpecs.Argv(["only-here"], environment: environment), null, CancellationToken.None);

        // Assert
        Assert.Equal((ExecutionOutcome.Exited, "found\n"), (result.Outcome, result.Stdout.Text));
    }

    [Fact]
    public async Task A_missing_working_directory_fails_to_start()
    {
        // Arrange
        var missing = Path.Combine(Path.GetTempPath(), $"agentexec-missing-{Guid.NewGuid():N}");

        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("true", missing), null, CancellationToken.None);

        // Assert
        Assert.Equal((ExecutionOutcome.FailedToStart, (int?)null), (result.Outcome, result.ExitCode));
        Assert.Contains(missing, result.StartError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relative_working_directory_fails_to_start()
    {
        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("true", "relative/dir"), null, CancellationToken.None);

        // Assert
        Assert.Equal(ExecutionOutcome.FailedToStart, result.Outcome);
        Assert.Contains("absolute", result.StartError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_program_fails_to_start()
    {
        // Act
        var result = await _runner.RunAsync(BashSpecs.Argv(["agentexec-no-such-program"]), null, CancellationToken.None);

        // Assert
        Assert.Equal((ExecutionOutcome.FailedToStart, (int?)null), (result.Outcome, result.ExitCode));
        Assert.Contains("agentexec-no-such-program", result.StartError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_cannot_be_executed_fails_to_start_instead_of_throwing()
    {
        // Arrange
        using var directory = new TemporaryDirectory();
        var notExecutable = directory.File("data.txt");
        File.WriteAllText(notExecutable, "just text");

        // Act
        var result = await _runner.RunAsync(BashSpecs.Argv([notExecutable]), null, CancellationToken.None);

        // Assert
        Assert.Equal(ExecutionOutcome.FailedToStart, result.Outcome);
        Assert.Contains(notExecutable, result.StartError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_childs_environment_is_exactly_the_specs()
    {
        // Arrange: something the test process has that the spec does not.
        const string hostOnly = "AGENTEXEC_TEST_HOST_ONLY_VARIABLE";
        Environment.SetEnvironmentVariable(hostOnly, "leaked");
        try
        {
            var environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["ONLY_THIS"] = "1" };

            // Act
            var result = await _runner.RunAsync(BashSpecs.Argv(["env"], environment: environment), null, CancellationToken.None);

            // Assert
            var lines = result.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
            Assert.Equal(["ONLY_THIS=1", "PATH=/usr/bin:/bin"], lines);
        }
        finally
        {
            Environment.SetEnvironmentVariable(hostOnly, null);
        }
    }

    [Fact]
    public async Task A_host_secret_does_not_reach_the_child_while_the_allow_list_does()
    {
        // Arrange
        const string secret = "AGENTEXEC_TEST_FOO_API_KEY";
        Environment.SetEnvironmentVariable(secret, "sk-test-leak");
        try
        {
            var host = new Dictionary<string, string>(ChildEnvironment.ReadHost())
            {
                ["HOME"] = "/home/someone",
                ["PWD"] = "/somewhere",
            };
            var environment = ChildEnvironment.Build(host, EnvironmentSettings.Default);

            // Act
            var result = await _runner.RunAsync(BashSpecs.Argv(["env"], environment: environment), null, CancellationToken.None);

            // Assert
            Assert.DoesNotContain(secret, result.Stdout.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-test-leak", result.Stdout.Text, StringComparison.Ordinal);
            Assert.Contains("\nHOME=/home/someone\n", "\n" + result.Stdout.Text, StringComparison.Ordinal);
            Assert.Contains("\nPWD=/somewhere\n", "\n" + result.Stdout.Text, StringComparison.Ordinal);
            Assert.Contains("\nPATH=", "\n" + result.Stdout.Text, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(secret, null);
        }
    }

    [Fact]
    public async Task A_secret_named_exactly_in_keep_reaches_the_child()
    {
        // Arrange
        const string secret = "AGENTEXEC_TEST_KEPT_API_KEY";
        Environment.SetEnvironmentVariable(secret, "sk-kept");
        try
        {
            var settings = new EnvironmentSettings([secret], new Dictionary<string, string>());
            var environment = ChildEnvironment.Build(ChildEnvironment.ReadHost(), settings);

            // Act
            var result = await _runner.RunAsync(BashSpecs.Argv(["env"], environment: environment), null, CancellationToken.None);

            // Assert
            Assert.Contains($"\n{secret}=sk-kept\n", "\n" + result.Stdout.Text, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(secret, null);
        }
    }

    [Fact]
    public async Task Arguments_reach_the_program_exactly()
    {
        // Arrange: CliWrap joins arguments into one string that the runtime splits again; nothing may change.
        string[] arguments = ["", "a b", "\"quoted\"", "back\\slash\\", "new\nline", "tab\there", "$HOME", "'single'"];

        // Act
        var result = await _runner.RunAsync(BashSpecs.Argv(["printf", "[%s]", .. arguments]), null, CancellationToken.None);

        // Assert
        Assert.Equal(string.Concat(arguments.Select(argument => $"[{argument}]")), result.Stdout.Text);
    }

    [Fact]
    public async Task The_duration_is_measured()
    {
        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("true"), null, CancellationToken.None);

        // Assert
        Assert.InRange(result.Duration, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(10));
    }

    public static TheoryData<ExecutionSpec> InvalidSpecs { get; } =
    [
        BashSpecs.Argv([]),
        BashSpecs.Bash("true", outputCapBytes: -1),
        BashSpecs.Bash("true", timeout: TimeSpan.Zero),
        BashSpecs.Bash("true", timeout: TimeSpan.FromMilliseconds(-5)),
    ];

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public async Task An_invalid_spec_is_the_callers_bug_and_throws(ExecutionSpec spec)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _runner.RunAsync(spec, null, CancellationToken.None));
    }
}
