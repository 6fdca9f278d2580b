using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ModelContextProtocol.Protocol;

namespace AgentExec.Mcp.Session;

/// <summary>
/// Passes a transport through, noting on each <c>tools/call</c> whether the client had sent
/// <c>notifications/initialized</c> before it, in the order the messages arrived, letting through only the first
/// response to each request the server sent, and cancelling a call the moment its <c>notifications/cancelled</c> is
/// read.
/// </summary>
/// <remarks>
/// <para>
/// The order has to be taken here, where messages are read one by one: the SDK then handles each message on its own
/// task, so by the time a message filter runs, a call sent right after <c>initialized</c> may be looked at before it.
/// <see cref="ToolCallGate"/> acts on the note.
/// </para>
/// <para>
/// The same holds for answers: two responses to one <c>elicitation/create</c> that arrive together are handled on two
/// tasks, and the later one may be the one the waiting question receives — a <c>decline</c> followed at once by an
/// <c>accept</c> ran the command. SPEC.md binds an answer to its question "only once", so the first response in the
/// order of arrival is the answer: a response is let through only while the server's request with that id is still
/// open (sent, not yet answered, not cancelled); a second one, one to a request never sent, or one sent before its
/// request are dropped here, before the SDK sees them.
/// </para>
/// <para>
/// And for a cancellation: the SDK cancels a call on the task that handles the <c>notifications/cancelled</c>, so an
/// <c>accept</c> that followed it on the wire could be handled first and run the command (SPEC.md: a cancelled call
/// never runs afterwards). So each <c>tools/call</c> carries a token of its own (<see cref="CancelledOnRead"/>),
/// cancelled here, while the cancellation is read and before any later message is passed on.
/// </para>
/// </remarks>
internal sealed class HandshakeOrderTransport : ITransport
{
    private const string ItemKey = "agentexec/before-initialized";
    private const string CancelKey = "agentexec/cancelled-on-read";

    private readonly ITransport _inner;

    // The ids of the server's requests that are open: added before a request is written, removed by its first response
    // or when the server cancels it. Bounded by the requests open at once (the pending-question limit).
    private readonly ConcurrentDictionary<RequestId, byte> _openRequests = new();

    // The client's tools/call requests that may still be cancelled: added when one is read, removed by its cancellation or
    // when the server has sent the response of every call read with that id. Bounded by the calls in flight. Two calls
    // that reuse an id share one entry, and a cancellation naming the id cancels both: removed at the first one's
    // response, the second could no longer be cancelled as its cancellation was read, and an accept that followed the
    // cancellation ran it (found by an attack).
    private readonly OpenCalls _openCalls = new();

    public HandshakeOrderTransport(ITransport inner)
    {
        _inner = inner;
        MessageReader = new OrderReader(inner.MessageReader, _openRequests, _openCalls);
    }

    /// <inheritdoc />
    public string? SessionId => _inner.SessionId;

    /// <inheritdoc />
    public ChannelReader<JsonRpcMessage> MessageReader { get; }

    /// <summary>True when <paramref name="request"/> was read before the client said <c>notifications/initialized</c>.</summary>
    public static bool ReadBeforeInitialized(JsonRpcRequest request) =>
        request.Context?.Items is { } items && items.ContainsKey(ItemKey);

    /// <summary>
    /// Cancelled once the client's <c>notifications/cancelled</c> for <paramref name="request"/> has been read: before the
    /// SDK handles any message that came after it. <see cref="CancellationToken.None"/> for a request not read here.
    /// </summary>
    public static CancellationToken CancelledOnRead(JsonRpcRequest request) => CancelledOnReadOf(request.Context);

    // The SDK sends a handler's response with its request's context, so the token is found on either.
    private static CancellationToken CancelledOnReadOf(JsonRpcMessageContext? context) =>
        context?.Items is { } items && items.TryGetValue(CancelKey, out var token) && token is CancellationToken cancelled
            ? cancelled
            : CancellationToken.None;

    /// <inheritdoc />
    public async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        switch (message)
        {
            case JsonRpcResponse or JsonRpcError when message is JsonRpcMessageWithId { Id: var answered }:
                // The call has its response: a cancellation from now on has nothing left to stop. Only a response to a
                // tools/call read here counts (its context carries the token): a ping may reuse the call's id.
                if (message.Context?.Items is { } items && items.ContainsKey(CancelKey))
                {
                    _openCalls.Answered(answered);
                }

                // A cancelled request gets no response (MCP). The SDK holds back the response of a call it has seen
                // cancelled itself, but a call cancelled here may end before the SDK has handled the cancellation.
                if (CancelledOnReadOf(message.Context) is { IsCancellationRequested: true })
                {
                    return;
                }

                break;
            case JsonRpcRequest request:
                // Open before the client can see it, so that its answer, however fast, finds it open.
                _openRequests.TryAdd(request.Id, 0);
                try
                {
                    await _inner.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    _openRequests.TryRemove(request.Id, out _);
                    throw;
                }

                return;
            case JsonRpcNotification { Method: NotificationMethods.CancelledNotification } cancelled:
                // The server gave up on it (the approval timed out, the call was cancelled): a late answer counts for nothing.
                foreach (var id in CancelledRequests(cancelled.Params))
                {
                    _openRequests.TryRemove(id, out _);
                }

                break;
        }

        await _inner.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    // Every request id a notifications/cancelled names. Read from the text as written, every member: JsonObject's lookup
    // throws on a name given twice ({"requestId":5,"requestId":5}), and thrown from the reader that stopped the session
    // reading the client for good (found by an attack: no later message was handled, a pending question never got its
    // answer and the server no longer ended at the end of its input). The SDK resolves such a duplicate its own way, so
    // each id named is taken (strict: a call any of them names is cancelled). Nothing readable names none.
    private static List<RequestId> CancelledRequests(JsonNode? parameters)
    {
        var ids = new List<RequestId>();
        if (parameters is not JsonObject)
        {
            return ids;
        }

        try
        {
            using var document = JsonDocument.Parse(parameters.ToJsonString());
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (!member.NameEquals("requestId"))
                {
                    continue;
                }

                if (member.Value.ValueKind == JsonValueKind.String)
                {
                    ids.Add(new RequestId(member.Value.GetString()!));
                }
                else if (member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetInt64(out var number))
                {
                    ids.Add(new RequestId(number));
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or InvalidOperationException)
        {
            ids.Clear();
        }

        return ids;
    }

    // The tools/call requests still open, by id, each id with the calls read under it that are not yet answered.
    private sealed class OpenCalls
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<RequestId, (CancellationTokenSource Source, int Calls)> _calls = [];

        // A call read: its token, shared with any open call of the same id.
        public CancellationToken Read(RequestId id)
        {
            lock (_gate)
            {
                var (source, calls) = _calls.TryGetValue(id, out var open) ? open : (new CancellationTokenSource(), 0);
                _calls[id] = (source, calls + 1);
                return source.Token;
            }
        }

        // A call of this id was answered; the entry goes with the last one.
        public void Answered(RequestId id)
        {
            lock (_gate)
            {
                if (_calls.TryGetValue(id, out var open))
                {
                    if (open.Calls <= 1)
                    {
                        _calls.Remove(id);
                    }
                    else
                    {
                        _calls[id] = (open.Source, open.Calls - 1);
                    }
                }
            }
        }

        // The calls of this id are cancelled: their shared source, taken out, for the caller to cancel outside the lock.
        public CancellationTokenSource? TryTakeForCancellation(RequestId id)
        {
            lock (_gate)
            {
                return _calls.Remove(id, out var open) ? open.Source : null;
            }
        }
    }

    // The SDK reads with one loop (WaitToReadAsync, then TryRead), so the flag needs no lock.
    private sealed class OrderReader(
        ChannelReader<JsonRpcMessage> messages,
        ConcurrentDictionary<RequestId, byte> openRequests,
        OpenCalls openCalls) : ChannelReader<JsonRpcMessage>
    {
        private bool _initialized;

        public override Task Completion => messages.Completion;

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
            messages.WaitToReadAsync(cancellationToken);

        public override bool TryRead(out JsonRpcMessage item)
        {
            do
            {
                if (!messages.TryRead(out item!))
                {
                    return false;
                }
            }
            while (IsUnopenedAnswer(item));

            switch (item)
            {
                case JsonRpcNotification { Method: NotificationMethods.InitializedNotification }:
                    _initialized = true;
                    break;
                case JsonRpcNotification { Method: NotificationMethods.CancelledNotification } cancelled:
                    foreach (var id in CancelledRequests(cancelled.Params))
                    {
                        if (openCalls.TryTakeForCancellation(id) is { } call)
                        {
                            Cancel(call);
                        }
                    }

                    break;
                case JsonRpcRequest { Method: RequestMethods.ToolsCall } call:
                    call.Context ??= new JsonRpcMessageContext();
                    call.Context.Items ??= new Dictionary<string, object?>();
                    if (!_initialized)
                    {
                        call.Context.Items[ItemKey] = true;
                    }

                    call.Context.Items[CancelKey] = openCalls.Read(call.Id);
                    break;
            }

            return true;
        }

        // Synchronously, so that the call's own tokens (linked to this one) are cancelled before the next message is
        // passed on. A callback that throws does not stop the reader; the call is cancelled all the same.
        private static void Cancel(CancellationTokenSource call)
        {
            try
            {
                call.Cancel();
            }
#pragma warning disable CA1031 // The reader must go on; what a callback of the cancelled call threw is that call's to report.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        // A response (result or error) to a request that is not open: a second answer, or one to a request never sent.
        // A response without an id (an error the client could not tie to a request) is left to the SDK.
        private bool IsUnopenedAnswer(JsonRpcMessage message) =>
            message is JsonRpcMessageWithId { Id: var id } and (JsonRpcResponse or JsonRpcError)
            && id.Id is not null
            && !openRequests.TryRemove(id, out _);
    }
}
