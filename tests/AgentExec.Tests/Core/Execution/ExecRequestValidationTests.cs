using AgentExec.Core.Approval;
using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

/// <summary>Core's validation names the field at fault as a value, and its sentence names no channel's spelling of it.</summary>
public sealed class ExecRequestValidationTests
{
    [Theory]
    [InlineData("   ", null, null, RequestField.Command, "must be a non-empty shell command line")]
    [InlineData("ls\0rm", null, null, RequestField.Command, "must not contain NUL characters")]
    [InlineData("ls", "relative/dir", null, RequestField.WorkingDirectory, "must be an absolute path (got \"relative/dir\")")]
    [InlineData("ls", "", null, RequestField.WorkingDirectory, "must be an absolute path (got \"\")")]
    [InlineData("ls", null, 0L, RequestField.Timeout, "must be between 1 and 3600000 (got 0)")]
    [InlineData("ls", null, 3_600_001L, RequestField.Timeout, "must be between 1 and 3600000 (got 3600001)")]
    public void An_invalid_field_is_named_as_a_value_with_a_channel_neutral_problem(
        string command, string? workdir, long? timeoutMs, RequestField field, string problem)
    {
        // Act
        var valid = ExecRequestValidation.TryCreate(command, workdir, timeoutMs, null, EscalationKind.None, "/workspace", "call-1", out var request, out var error);

        // Assert
        Assert.False(valid);
        Assert.Null(request);
        Assert.Equal(new RequestFieldError(field, problem), error);
        Assert.DoesNotContain("timeout_ms", error!.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("workdir", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_request_takes_the_workspace_and_the_default_timeout_when_they_are_not_given()
    {
        // Act
        var valid = ExecRequestValidation.TryCreate("ls", null, null, "", EscalationKind.None, "/workspace", "call-1", out var request, out var error);

        // Assert
        Assert.True(valid);
        Assert.Null(error);
        Assert.Equal(new ExecRequest("ls", "/workspace", ExecRequest.DefaultTimeout, null, EscalationKind.None, "call-1"), request);
    }

    // A longer line could never start, yet it was put to a human first and each waiting question held many copies of
    // it (ten pending 10 MB commands took the server past 2 GB).
    [Theory]
    [InlineData("a", ExecRequestValidation.MaxCommandBytes + 1)]
    [InlineData("\u00e9", (ExecRequestValidation.MaxCommandBytes + 1) / 2)]
    [InlineData("a", 10_000_000)]
    public void A_command_longer_than_one_program_argument_can_be_is_refused(string unit, int count)
    {
        // Arrange
        var command = "#" + string.Concat(Enumerable.Repeat(unit, count));

        // Act
        var valid = ExecRequestValidation.TryCreate(command, null, null, null, EscalationKind.None, "/workspace", "call-1", out var request, out var error);

        // Assert
        Assert.False(valid);
        Assert.Null(request);
        Assert.Equal(RequestField.Command, error!.Field);
        Assert.Equal("is longer than 131071 bytes, the most one argument of a program can hold on Linux, so it could never start", error.Problem);
    }

    [Fact]
    public void The_longest_command_accepted_is_one_bash_can_be_started_with_and_one_byte_more_is_not()
    {
        // Arrange
        var longest = "#" + new string('a', ExecRequestValidation.MaxCommandBytes - 1);

        // Act
        var valid = ExecRequestValidation.TryCreate(longest, null, null, null, EscalationKind.None, "/workspace", "call-1", out _, out _);

        // Assert: the bound is the kernel's, not a guess.
        Assert.True(valid);
        Assert.Equal(0, RunBash(longest));
        Assert.Throws<System.ComponentModel.Win32Exception>(() => RunBash(longest + "a"));
    }

    private static int RunBash(string line)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/bin/bash") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(line);
        using var bash = System.Diagnostics.Process.Start(start)!;
        bash.WaitForExit();
        return bash.ExitCode;
    }
}
