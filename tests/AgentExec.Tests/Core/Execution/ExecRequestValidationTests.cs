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
}
