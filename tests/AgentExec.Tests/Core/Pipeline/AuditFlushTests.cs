using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// SPEC.md "Audit log": an event is on disk before the action it records proceeds, and not flushed more often than
/// that needs. The events something waits on (a command starting, a question put, the result or denial returned) are
/// flushed before their append returns; the others ride on the next flush, and one always follows before the call ends.
/// A decision to ask is flushed at once, since the risk assessment may send the command to a model next.
/// </summary>
public sealed class AuditFlushTests
{
    private static readonly string[] ActionEvents =
        [AuditEventNames.ExecutionStarted, AuditEventNames.ElicitationSent, AuditEventNames.ExecutionFinished, AuditEventNames.Denial];

    public static TheoryData<string, string> Calls => new()
    {
        { "echo hi", "none" },
        { "rm -rf build", "approve" },
        { "rm -rf build", "decline" },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Every_action_waits_for_a_flushed_event_and_every_call_ends_on_one(string command, string answer)
    {
        using var workspace = new TemporaryDirectory();
        var audit = new RecordingAuditLog();
        var pipeline = PipelineFactory.Create(PipelineFactory.Settings(workspace.Path), audit);
        var channel = answer == "decline" ? ScriptedApprovalChannel.Declining() : ScriptedApprovalChannel.Approving();

        await pipeline.ExecuteAsync(PipelineFactory.Request(command, workspace.Path), channel, null, CancellationToken.None);

        var flushes = audit.Flushes;
        Assert.All(flushes.Where(entry => ActionEvents.Contains(entry.Name)), entry => Assert.Equal(AuditFlush.BeforeReturning, entry.Flush));
        Assert.Equal(AuditFlush.BeforeReturning, flushes[^1].Flush);

        // Positive control: the saving is real; the arrival, and a decision to run, wait for the next flush.
        Assert.Equal((AuditEventNames.CallReceived, AuditFlush.WithNextFlush), flushes[0]);
        var asked = answer != "none";
        Assert.Equal(asked, channel.Asked > 0);
        Assert.Equal(
            (AuditEventNames.PolicyDecision, asked ? AuditFlush.BeforeReturning : AuditFlush.WithNextFlush),
            flushes.First(entry => entry.Name == AuditEventNames.PolicyDecision));
    }

    [Theory]
    [InlineData(AuditEventNames.PolicyDecision)]
    [InlineData(AuditEventNames.ExecutionStarted)]
    public async Task A_result_reports_only_a_head_that_is_on_disk(string brokenAt)
    {
        using var workspace = new TemporaryDirectory();
        var audit = new RecordingAuditLog { BreaksAt = brokenAt };
        var pipeline = PipelineFactory.Create(PipelineFactory.Settings(workspace.Path), audit);

        var result = await pipeline.ExecuteAsync(PipelineFactory.Request("echo hi", workspace.Path), ScriptedApprovalChannel.Approving(), null, CancellationToken.None);

        // What was written before the break waited for a flush that never came: a head naming it could vanish in a
        // crash, and a later --expect-head against it would look like tampering.
        Assert.Equal(AuditEventNames.CallReceived, audit.Names[0]);
        Assert.Equal(ApprovalReason.AuditUnavailable, result.Approval?.Reason);
        Assert.Null(result.AuditHead);
    }

    [Fact]
    public async Task A_call_that_ran_reports_the_head_of_its_last_event()
    {
        using var workspace = new TemporaryDirectory();
        var audit = new RecordingAuditLog();
        var pipeline = PipelineFactory.Create(PipelineFactory.Settings(workspace.Path), audit);

        var result = await pipeline.ExecuteAsync(PipelineFactory.Request("echo hi", workspace.Path), ScriptedApprovalChannel.Approving(), null, CancellationToken.None);

        Assert.Equal(audit.Events.Count, result.AuditHead?.Seq);
    }
}
