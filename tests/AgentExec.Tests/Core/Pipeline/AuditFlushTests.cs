using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Execution;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// SPEC.md "Audit log": an event is on disk before the action it records proceeds, and not flushed more often than
/// that needs. The events something waits on (a command starting, a question put, the result or denial returned) are
/// flushed before their append returns; the others ride on the next flush, and one always follows before the call ends.
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

        // Positive control: the saving is real; the arrival and the decision wait for the next flush.
        Assert.Equal((AuditEventNames.CallReceived, AuditFlush.WithNextFlush), flushes[0]);
        Assert.Contains((AuditEventNames.PolicyDecision, AuditFlush.WithNextFlush), flushes);
        Assert.Equal(answer != "none", channel.Asked > 0);
    }
}
