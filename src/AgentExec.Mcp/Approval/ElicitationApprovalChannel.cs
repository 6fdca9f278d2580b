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
/// Works for every protocol generation: under 2026-07-28 the SDK turns the request into an
/// <c>input_required</c> result and resumes this same wait when the client retries the call, so the tool
/// handler runs once and the command can neither run nor be audited twice.
/// </remarks>
internal sealed class ElicitationApprovalChannel(
    McpServer server,
    ProgressToken? progressToken,
    ClientConnection connection,
    TimeProvider timeProvider) : IApprovalChannel
{
    /// <summary>How often a waiting call reports progress; SPEC.md asks for at least every 10 s.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public bool CanAsk => server.ClientCapabilities?.Elicitation?.Form is not null;

    /// <inheritdoc />
    public ApprovalReason CannotAskReason => ApprovalReason.ClientCannotElicit;

    /// <inheritdoc />
    public string Render(ApprovalQuestion question) => ApprovalMessage.Render(question);

    /// <inheritdoc />
    public async Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (connection.IsDisconnected)
        {
            return ApprovalOutcome.DeniedByChannel(ApprovalReason.Disconnected);
        }

        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token, connection.Disconnected);
        using var progress = ReportProgressWhileWaiting(wait.Token);
        try
        {
            // Cancelling `wait` makes the SDK send notifications/cancelled for this request (pre-2026 protocols).
            var response = await server.SendRequestAsync(
                new JsonRpcRequest { Method = RequestMethods.ElicitationCreate, Params = ElicitationRequestBuilder.Build(question) },
                wait.Token).ConfigureAwait(false);
            return ElicitationAnswerParser.Parse(response.Result);
        }
        catch (OperationCanceledException)
        {
            return ApprovalOutcome.DeniedByChannel(
                connection.IsDisconnected ? ApprovalReason.Disconnected
                : cancellationToken.IsCancellationRequested ? ApprovalReason.CallCancelled
                : ApprovalReason.NoResponse);
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
        // Under 2026-07-28 the call has already answered input_required, so there is no open request to keep alive.
        if (progressToken is not { } token || IsInputRequiredGeneration(server.NegotiatedProtocolVersion))
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
            await server.NotifyProgressAsync(
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

    private static bool IsInputRequiredGeneration(string? version) =>
        version is not null && string.CompareOrdinal(version, "2026-07-28") >= 0;

    private sealed class ProgressState(CancellationToken stop)
    {
        public readonly CancellationToken Stop = stop;
        public int Ticks;
    }
}
