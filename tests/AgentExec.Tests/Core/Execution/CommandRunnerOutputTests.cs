using System.Text;
using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

public sealed class CommandRunnerOutputTests
{
    private readonly CommandRunner _runner = new();

    [Fact]
    public async Task The_first_and_last_halves_of_the_cap_are_kept_around_a_marker()
    {
        // Arrange
        const string script = "printf HEADHEADHE; head -c 1000 /dev/zero | tr '\\0' x; printf TAILTAILTA";

        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash(script, outputCapBytes: 20), null, CancellationToken.None);

        // Assert
        Assert.Equal(new CapturedOutput("HEADHEADHE\n[… 1000 bytes omitted …]\nTAILTAILTA", 1020, true), result.Stdout);
        Assert.True(result.Truncated);
    }

    [Fact]
    public async Task Output_within_the_cap_is_not_truncated()
    {
        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("printf 12345", outputCapBytes: 5), null, CancellationToken.None);

        // Assert
        Assert.Equal(new CapturedOutput("12345", 5, false), result.Stdout);
        Assert.False(result.Truncated);
    }

    [Fact]
    public async Task The_observer_receives_every_byte_of_both_streams()
    {
        // Arrange: more than the cap and more than one pipe buffer, so chunks arrive in pieces.
        var observer = new RecordingOutputObserver();
        const string script = "seq 1 200000; echo to-stderr >&2";

        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash(script, outputCapBytes: 1000), observer, CancellationToken.None);

        // Assert
        var expected = string.Concat(Enumerable.Range(1, 200000).Select(number => $"{number}\n"));
        Assert.Equal(expected, Encoding.UTF8.GetString(observer.Stdout));
        Assert.Equal("to-stderr\n", Encoding.UTF8.GetString(observer.Stderr));
        Assert.Equal(expected.Length, result.Stdout.TotalBytes);
    }

    [Fact]
    public async Task An_observer_that_throws_does_not_stop_the_capture()
    {
        // Arrange
        var observer = new ThrowingOutputObserver();

        // Act
        var result = await _runner.RunAsync(BashSpecs.Bash("seq 1 100000", outputCapBytes: 100), observer, CancellationToken.None);

        // Assert
        Assert.Equal((ExecutionOutcome.Exited, (int?)0), (result.Outcome, result.ExitCode));
        Assert.Equal(Enumerable.Range(1, 100000).Sum(number => number.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 1), result.Stdout.TotalBytes);
    }

    private sealed class ThrowingOutputObserver : IOutputObserver
    {
        public void OnStdout(ReadOnlySpan<byte> chunk) => throw new InvalidOperationException("observer bug");

        public void OnStderr(ReadOnlySpan<byte> chunk) => throw new InvalidOperationException("observer bug");
    }
}
