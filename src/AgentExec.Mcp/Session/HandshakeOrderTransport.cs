using System.Threading.Channels;
using ModelContextProtocol.Protocol;

namespace AgentExec.Mcp.Session;

/// <summary>
/// Passes a transport through, noting on each <c>tools/call</c> whether the client had sent
/// <c>notifications/initialized</c> before it, in the order the messages arrived.
/// </summary>
/// <remarks>
/// The order has to be taken here, where messages are read one by one: the SDK then handles each message on its own
/// task, so by the time a message filter runs, a call sent right after <c>initialized</c> may be looked at before it.
/// <see cref="ToolCallGate"/> acts on the note.
/// </remarks>
internal sealed class HandshakeOrderTransport(ITransport inner) : ITransport
{
    private const string ItemKey = "agentexec/before-initialized";

    /// <inheritdoc />
    public string? SessionId => inner.SessionId;

    /// <inheritdoc />
    public ChannelReader<JsonRpcMessage> MessageReader { get; } = new OrderReader(inner.MessageReader);

    /// <summary>True when <paramref name="request"/> was read before the client said <c>notifications/initialized</c>.</summary>
    public static bool ReadBeforeInitialized(JsonRpcRequest request) =>
        request.Context?.Items is { } items && items.ContainsKey(ItemKey);

    /// <inheritdoc />
    public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) =>
        inner.SendMessageAsync(message, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => inner.DisposeAsync();

    // The SDK reads with one loop (WaitToReadAsync, then TryRead), so the flag needs no lock.
    private sealed class OrderReader(ChannelReader<JsonRpcMessage> messages) : ChannelReader<JsonRpcMessage>
    {
        private bool _initialized;

        public override Task Completion => messages.Completion;

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
            messages.WaitToReadAsync(cancellationToken);

        public override bool TryRead(out JsonRpcMessage item)
        {
            if (!messages.TryRead(out item!))
            {
                return false;
            }

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
    }
}
