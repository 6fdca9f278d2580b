using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ModelContextProtocol.Protocol;

namespace AgentExec.Mcp.Session;

/// <summary>
/// Passes a transport through, noting on each <c>tools/call</c> whether the client had sent
/// <c>notifications/initialized</c> before it, in the order the messages arrived, and letting through only the first
/// response to each request the server sent.
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
/// </remarks>
internal sealed class HandshakeOrderTransport : ITransport
{
    private const string ItemKey = "agentexec/before-initialized";

    private readonly ITransport _inner;

    // The ids of the server's requests that are open: added before a request is written, removed by its first response
    // or when the server cancels it. Bounded by the requests open at once (the pending-question limit).
    private readonly ConcurrentDictionary<RequestId, byte> _openRequests = new();

    public HandshakeOrderTransport(ITransport inner)
    {
        _inner = inner;
        MessageReader = new OrderReader(inner.MessageReader, _openRequests);
    }

    /// <inheritdoc />
    public string? SessionId => _inner.SessionId;

    /// <inheritdoc />
    public ChannelReader<JsonRpcMessage> MessageReader { get; }

    /// <summary>True when <paramref name="request"/> was read before the client said <c>notifications/initialized</c>.</summary>
    public static bool ReadBeforeInitialized(JsonRpcRequest request) =>
        request.Context?.Items is { } items && items.ContainsKey(ItemKey);

    /// <inheritdoc />
    public async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        switch (message)
        {
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
            case JsonRpcNotification { Method: NotificationMethods.CancelledNotification } cancelled
                when CancelledRequest(cancelled.Params) is { } id:
                // The server gave up on it (the approval timed out, the call was cancelled): a late answer counts for nothing.
                _openRequests.TryRemove(id, out _);
                break;
        }

        await _inner.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private static RequestId? CancelledRequest(JsonNode? parameters) =>
        parameters is JsonObject fields && fields["requestId"] is JsonValue id
            ? id.GetValueKind() switch
            {
                JsonValueKind.String => new RequestId(id.GetValue<string>()),
                JsonValueKind.Number when id.TryGetValue<long>(out var number) => new RequestId(number),
                _ => null,
            }
            : null;

    // The SDK reads with one loop (WaitToReadAsync, then TryRead), so the flag needs no lock.
    private sealed class OrderReader(ChannelReader<JsonRpcMessage> messages, ConcurrentDictionary<RequestId, byte> openRequests) : ChannelReader<JsonRpcMessage>
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
                case JsonRpcRequest { Method: RequestMethods.ToolsCall } call when !_initialized:
                    call.Context ??= new JsonRpcMessageContext();
                    call.Context.Items ??= new Dictionary<string, object?>();
                    call.Context.Items[ItemKey] = true;
                    break;
            }

            return true;
        }

        // A response (result or error) to a request that is not open: a second answer, or one to a request never sent.
        // A response without an id (an error the client could not tie to a request) is left to the SDK.
        private bool IsUnopenedAnswer(JsonRpcMessage message) =>
            message is JsonRpcMessageWithId { Id: var id } and (JsonRpcResponse or JsonRpcError)
            && id.Id is not null
            && !openRequests.TryRemove(id, out _);
    }
}
