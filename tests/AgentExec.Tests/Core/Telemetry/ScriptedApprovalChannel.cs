using AgentExec.Core.Approval;

namespace AgentExec.Tests.Core.Telemetry;

/// <summary>A channel that answers every question with one outcome, after moving a manual clock as a slow human would.</summary>
internal sealed class ScriptedApprovalChannel(ApprovalOutcome answer, ManualTimeProvider? clock = null, TimeSpan thinking = default) : IApprovalChannel
{
    public bool CanAsk => true;

    public ApprovalReason CannotAskReason => ApprovalReason.ClientCannotElicit;

    public int Asked { get; private set; }

    public string Render(ApprovalQuestion question) => ApprovalMessage.Render(question);

    public Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Asked++;
        clock?.Advance(thinking);
        return Task.FromResult(answer);
    }
}
