using System.Collections.Concurrent;
using AgentExec.Core.Approval;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// A channel that answers every question with one outcome, after moving a manual clock as a slow human would, and
/// keeps the questions it was asked.
/// </summary>
internal sealed class ScriptedApprovalChannel(ApprovalOutcome answer, ManualTimeProvider? clock = null, TimeSpan thinking = default) : IApprovalChannel
{
    private readonly ConcurrentQueue<ApprovalQuestion> _questions = new();

    /// <summary>A channel whose human approves once.</summary>
    public static ScriptedApprovalChannel Approving() => new(new ApprovalOutcome(ApprovalDecision.Approved, ApprovalSource.User, ApprovalReason.UserApproved));

    /// <summary>A channel whose human declines.</summary>
    public static ScriptedApprovalChannel Declining() => new(ApprovalOutcome.DeniedByChannel(ApprovalReason.UserDeclined));

    public bool CanAsk => true;

    public ApprovalReason CannotAskReason => ApprovalReason.ClientCannotElicit;

    public int Asked => _questions.Count;

    /// <summary>The questions put to this channel, in order.</summary>
    public IReadOnlyList<ApprovalQuestion> Questions => _questions.ToArray();

    public string Render(ApprovalQuestion question) => ApprovalMessage.Render(question);

    public Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _questions.Enqueue(question);
        clock?.Advance(thinking);
        return Task.FromResult(answer);
    }
}
