using AgentExec.Core.Approval;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentExec.Mcp.Approval;

/// <summary>
/// Asks the human through the MCP client with <c>elicitation/create</c>, reading the client's raw JSON answer so
/// that SPEC.md's answer table (not the SDK's lenient typed result) decides.
/// </summary>
/// <remarks>
/// For the generations before 2026-07-28. Under 2026-07-28 the question travels in the call's <c>input_required</c>
/// result instead (<see cref="Mrtr.InputRequiredApprovalChannel"/>), whose retries AgentExec binds to their calls.
/// </remarks>
internal sealed class ElicitationApprovalChannel(
    McpServer server,
    ProgressToken? progressToken,
    ClientConnection connection,
    TimeProvider timeProvider) : McpApprovalChannel(server)
{
    /// <summary>How often a waiting call reports progress; SPEC.md asks for at least every 10 s.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public override ApprovalReason? CancelledBecause => connection.IsDisconnected ? ApprovalReason.Disconnected : null;

    /// <inheritdoc />
    public override async Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = AnswerWait.Begin(connection, timeout, timeProvider, cancellationToken);
        if (wait is null)
        {
            return AnswerWait.ClientGone;
        }

        using var progress = ReportProgressWhileWaiting(wait.Token);
        try
        {
            // Cancelling `wait` makes the SDK send notifications/cancelled for this request (pre-2026 protocols).
            var response = await Server.SendRequestAsync(
                new JsonRpcRequest { Method = RequestMethods.ElicitationCreate, Params = ElicitationRequestBuilder.Build(question) },
                wait.Token).ConfigureAwait(false);
            return ElicitationAnswerParser.Parse(response.Result);
        }
        catch (OperationCanceledException)
        {
            return wait.Unanswered();
        }
        catch (McpProtocolException exception)
        {
            return ApprovalOutcome.DeniedByChannel(ApprovalReason.ClientError, $"JSON-RPC error {(int)exception.ErrorCode}");
        }
#pragma warning disable CA1031 // Anything else (a broken transport, an error the SDK could not parse) is a failed answer: deny.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return ApprovalOutcome.DeniedByChannel(
                connection.IsDisconnected ? ApprovalReason.Disconnected : ApprovalReason.ClientError,
                exception.GetType().Name);
        }
    }

    private IDisposable? ReportProgressWhileWaiting(CancellationToken stop)
    {
        if (progressToken is not { } token)
        {
            return null;
        }

        var timer = timeProvider.CreateTimer(
            state => _ = NotifyAsync(token, (ProgressState)state!),
            new ProgressState(stop),
            ProgressInterval,
            ProgressInterval);
        return timer;
    }

    private async Task NotifyAsync(ProgressToken token, ProgressState state)
    {
        if (state.Stop.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await Server.NotifyProgressAsync(
                token,
                new ProgressNotificationValue { Progress = Interlocked.Increment(ref state.Ticks), Message = "waiting for the user's approval" },
                cancellationToken: state.Stop).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Progress is best effort; the approval wait itself decides the outcome.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private sealed class ProgressState(CancellationToken stop)
    {
        public readonly CancellationToken Stop = stop;
        public int Ticks;
    }
}
