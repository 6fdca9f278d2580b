namespace AgentExec.Core.Approval;

/// <summary>
/// Asks a human and returns their answer as an outcome. Implemented by the front ends: MCP elicitation and
/// the terminal prompt.
/// </summary>
/// <remarks>
/// Security contract: <see cref="AskAsync"/> never throws and never approves by default. A timeout,
/// a broken transport, a cancelled call or an answer of the wrong shape all end in a denial with the reason
/// code that says which.
/// </remarks>
public interface IApprovalChannel
{
    /// <summary>False when nobody can be asked (the client has no elicitation capability, there is no terminal).</summary>
    bool CanAsk { get; }

    /// <summary>The reason code a question is denied with when <see cref="CanAsk"/> is false.</summary>
    ApprovalReason CannotAskReason { get; }

    /// <summary>
    /// The text this channel shows the human for <paramref name="question"/>, without styling: what the audit log's
    /// question record holds, written before the question is put.
    /// </summary>
    string Render(ApprovalQuestion question);

    /// <summary>Asks the question and waits at most <paramref name="timeout"/> for the answer.</summary>
    Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Why the call was cancelled, where the channel knows more than "cancelled" (the MCP client went away:
    /// <see cref="ApprovalReason.Disconnected"/>); null to let it be <see cref="ApprovalReason.CallCancelled"/>.
    /// </summary>
    ApprovalReason? CancelledBecause => null;
}
