using System.Diagnostics;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox.Egress;

/// <summary>
/// The <c>agentexec __egress-bridge</c> protocol, run as the real binary outside any sandbox: what it refuses, and how
/// it reports a command it could not start.
/// </summary>
public sealed class EgressBridgeProcessTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("relative.sock", "--")]
    [InlineData("/run/agentexec/egress.sock", "-x")]
    public void Arguments_that_break_the_protocol_run_nothing_and_exit_with_the_usage_code(string socket, string separator)
    {
        // Arrange
        var ran = _directory.File("ran");

        // Act
        var (exitCode, stderr) = RunBridge([EgressBridge.Verb, socket, separator, "touch", ran]);

        // Assert
        Assert.Equal(EgressBridge.UsageExitCode, exitCode);
        Assert.StartsWith(EgressBridge.MessagePrefix + "usage error: ", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(ran));
    }

    [Fact]
    public void A_command_that_cannot_start_exits_with_the_setup_code_and_says_why()
    {
        var (exitCode, stderr) = RunBridge([EgressBridge.Verb, "/run/agentexec/egress.sock", "--", "/nonexistent/program"]);

        Assert.Equal(EgressBridge.SetupFailedExitCode, exitCode);
        Assert.Contains("cannot start /nonexistent/program", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("__egress-bridge|/s|--")]
    [InlineData("__egress-bridge|/s|--|")]
    [InlineData("__egress-bridge|/s|true")]
    [InlineData("__other|/s|--|true")]
    public void The_parser_refuses_anything_but_the_verb_an_absolute_socket_a_separator_and_a_program(string joined)
    {
        // Arguments joined by '|', so that an empty one can be written.
        var args = joined.Split('|');

        Assert.False(EgressBridge.TryParse(args, out _, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void The_parser_keeps_the_commands_own_separators_and_options()
    {
        Assert.True(EgressBridge.TryParse([EgressBridge.Verb, "/s", "--", "bash", "-c", "echo -- hi", "--"], out var socket, out var command, out _));
        Assert.Equal("/s", socket);
        Assert.Equal(["bash", "-c", "echo -- hi", "--"], command);
    }

    private static (int ExitCode, string Stderr) RunBridge(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(LandlockTestLauncher.Path) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(15)), "The bridge did not exit.");
        return (process.ExitCode, stderr.GetAwaiter().GetResult());
    }
}
