using AgentExec.Core.Approval;
using AgentExec.Mcp.Approval;
using ModelContextProtocol.Server;

namespace AgentExec.Mcp.Mrtr;

/// <summary>
/// Asks the human under MCP 2026-07-28: the question goes out as the call's <c>input_required</c> result, and the
/// answer comes back in the client's retry (see <see cref="SuspendedCalls"/>). The same answer table, timeout and
/// fail-closed contract as <see cref="ElicitationApprovalChannel"/>; there is no open request to cancel or keep alive
/// with progress, so a timeout is recorded as the denial alone.
/// </summary>
internal sealed class InputRequiredApprovalChannel(
    McpServer server,
    SuspendedCall call,
    SuspendedCalls calls,
    ClientConnection connection,
    TimeProvider timeProvider) : McpApprovalChannel(server)
{
    /// <inheritdoc />
    public override async Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = AnswerWait.Begin(connection, timeout, timeProvider, cancellationToken);
        if (wait is null)
        {
            return AnswerWait.ClientGone;
        }

        var pending = calls.Open(call, question);
        try
        {
            call.Ask(pending);
            return await pending.Answer.WaitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return wait.Unanswered();
        }
        finally
        {
            // However it ended, the question is closed now: a retry that comes later is told it expired.
            calls.Close(pending);
        }
    }
}
