using AgentExec.Core.Approval;

namespace AgentExec.Tests.TestSupport;

/// <summary>The channel of a client that cannot elicit: every question is denied, so only what needs no question runs.</summary>
internal sealed class NobodyToAsk : IApprovalChannel
{
    public static NobodyToAsk Instance { get; } = new();

    public bool CanAsk => false;

    public ApprovalReason CannotAskReason => ApprovalReason.ClientCannotElicit;

    public string Render(ApprovalQuestion question) => ApprovalMessage.Render(question);

    public Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(ApprovalOutcome.DeniedByChannel(ApprovalReason.ClientCannotElicit));
}
