using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// The receive step (RequestIntake): every call is recorded before anything else, and a request that cannot be judged
/// — or recorded — ends there, with a result that carries the audit head.
/// </summary>
public sealed class RequestIntakeTests : IDisposable
{
    private readonly PipelineStepScenario _scenario = new();

    public void Dispose() => _scenario.Dispose();

    [Fact]
    public async Task Call_received_is_the_first_event_and_records_the_request_as_given()
    {
        // Arrange
        var pipeline = _scenario.Pipeline();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand, callId: "intake-1"), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert: the call went all the way (positive control), and its first event is what arrived.
        Assert.Equal(ShellStatus.Completed, result.Status);
        Assert.True(_scenario.CommandRan);
        Assert.Equal(AuditEventNames.CallReceived, _scenario.Names[0]);
        Assert.Equal(
            ("intake-1", PipelineStepScenario.PlainCommand, _scenario.Workspace, (long)ExecRequest.DefaultTimeout.TotalMilliseconds, "a step test", "none"),
            (_scenario.Field(AuditEventNames.CallReceived, "call_id"),
             _scenario.Field(AuditEventNames.CallReceived, "command"),
             _scenario.Field(AuditEventNames.CallReceived, "cwd"),
             _scenario.Event(AuditEventNames.CallReceived)["timeout_ms"]!.GetValue<long>(),
             _scenario.Field(AuditEventNames.CallReceived, "justification"),
             _scenario.Field(AuditEventNames.CallReceived, "escalation")));
    }

    [Fact]
    public async Task A_working_directory_that_does_not_exist_fails_to_start_with_a_denial_and_no_policy_decision()
    {
        // Arrange
        var pipeline = _scenario.Pipeline();
        var missing = Path.Combine(_scenario.Workspace, "no-such-directory");

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand, workdir: missing), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert
        Assert.Equal(ShellStatus.FailedToStart, result.Status);
        Assert.Equal("The working directory is not an existing directory: " + missing, result.Message);
        Assert.Equal(new RequestFieldError(RequestField.WorkingDirectory, "not an existing directory: " + missing), result.InvalidField);
        Assert.Null(result.Evaluation);
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.Denial], _scenario.Names);
        Assert.Equal(result.Message, _scenario.Field(AuditEventNames.Denial, "message"));
        Assert.Equal(2, result.AuditHead?.Seq);
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_working_directory_reached_through_a_symlink_runs_in_its_real_path()
    {
        // Arrange: the request names a link; the command records where it ran.
        var link = Path.Combine(Path.GetDirectoryName(_scenario.Workspace)!, "link-to-workspace");
        Directory.CreateSymbolicLink(link, _scenario.Workspace);
        var pipeline = _scenario.Pipeline();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request("pwd", workdir: link), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert: recorded as given, run where it really is.
        Assert.Equal(ShellStatus.Completed, result.Status);
        Assert.Equal(link, _scenario.Field(AuditEventNames.CallReceived, "cwd"));
        Assert.Equal(_scenario.Workspace + "\n", result.Stdout.Text);
    }

    [Fact]
    public async Task A_call_whose_arrival_cannot_be_recorded_is_denied_as_audit_unavailable_and_nothing_runs()
    {
        // Arrange
        _scenario.Audit.Broken = true;
        var pipeline = _scenario.Pipeline();

        // Act
        var result = await pipeline.ExecuteAsync(_scenario.Request(PipelineStepScenario.PlainCommand), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert: not judged, not run, nothing recorded (there is nowhere to record it).
        Assert.Equal(ShellStatus.Denied, result.Status);
        Assert.Equal(ApprovalOutcome.DeniedByPolicy(ApprovalReason.AuditUnavailable), result.Approval);
        Assert.Null(result.Evaluation);
        Assert.Null(result.AuditHead);
        Assert.Empty(_scenario.Audit.Events);
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_rejected_input_is_recorded_as_call_received_and_a_denial_and_its_result_carries_the_head()
    {
        // Arrange
        var pipeline = _scenario.Pipeline();

        // Act
        var result = await pipeline.RejectAsync("bad-1", "touch ran.txt", "timeout_ms: must be a positive integer");

        // Assert
        Assert.Equal(ShellStatus.FailedToStart, result.Status);
        Assert.Equal("timeout_ms: must be a positive integer", result.Message);
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.Denial], _scenario.Names);
        Assert.Equal(("bad-1", "touch ran.txt", null), (_scenario.Field(AuditEventNames.CallReceived, "call_id"), _scenario.Field(AuditEventNames.CallReceived, "command"), _scenario.Field(AuditEventNames.CallReceived, "cwd")));
        Assert.Equal(("bad-1", result.Message), (_scenario.Field(AuditEventNames.Denial, "call_id"), _scenario.Field(AuditEventNames.Denial, "message")));
        Assert.Equal(2, result.AuditHead?.Seq);
        Assert.False(_scenario.CommandRan);
    }

    [Fact]
    public async Task A_rejected_input_that_cannot_be_recorded_still_fails_to_start_naming_the_field()
    {
        // Arrange
        _scenario.Audit.Broken = true;
        var pipeline = _scenario.Pipeline();

        // Act
        var result = await pipeline.RejectAsync("bad-2", null, "command: required");

        // Assert
        Assert.Equal(ShellStatus.FailedToStart, result.Status);
        Assert.Equal("command: required", result.Message);
        Assert.Null(result.AuditHead);
        Assert.Empty(_scenario.Audit.Events);
    }
}
