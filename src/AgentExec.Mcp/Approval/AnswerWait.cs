using AgentExec.Core.Approval;

namespace AgentExec.Mcp.Approval;

/// <summary>
/// The wait for one answer, the same for every MCP channel: it ends at the approval timeout, when the call is
/// cancelled, or when the client goes away, and <see cref="Unanswered"/> says which of them ended it.
/// </summary>
internal sealed class AnswerWait : IDisposable
{
    private readonly ClientConnection _connection;
    private readonly CancellationToken _call;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _wait;

    private AnswerWait(ClientConnection connection, TimeSpan timeout, TimeProvider timeProvider, CancellationToken call)
    {
        _connection = connection;
        _call = call;
        _deadline = new CancellationTokenSource(timeout, timeProvider);
        _wait = CancellationTokenSource.CreateLinkedTokenSource(call, _deadline.Token, connection.Disconnected);
    }

    /// <summary>Cancelled when the wait ends without an answer.</summary>
    public CancellationToken Token => _wait.Token;

    /// <summary>Starts waiting; null when the client is already gone, so there is nobody to ask.</summary>
    public static AnswerWait? Begin(ClientConnection connection, TimeSpan timeout, TimeProvider timeProvider, CancellationToken call) =>
        connection.IsDisconnected ? null : new AnswerWait(connection, timeout, timeProvider, call);

    /// <summary>The denial for a question asked of a client that was already gone.</summary>
    public static ApprovalOutcome ClientGone { get; } = ApprovalOutcome.DeniedByChannel(ApprovalReason.Disconnected);

    /// <summary>The denial for a wait that ended without an answer: the client went away, the call was cancelled, or time ran out.</summary>
    public ApprovalOutcome Unanswered() => ApprovalOutcome.DeniedByChannel(
        _connection.IsDisconnected ? ApprovalReason.Disconnected
        : _call.IsCancellationRequested ? ApprovalReason.CallCancelled
        : ApprovalReason.NoResponse);

    /// <inheritdoc />
    public void Dispose()
    {
        _wait.Dispose();
        _deadline.Dispose();
    }
}
