namespace AgentExec.Mcp;

/// <summary>
/// Knows when the client has gone away. The SDK does not fail a server→client request that a tool handler is
/// awaiting when the transport ends, so every wait on the client is linked to <see cref="Disconnected"/>.
/// </summary>
public sealed class ClientConnection : IDisposable
{
    private readonly CancellationTokenSource _disconnected = new();

    /// <summary>Cancelled once the client's input has ended.</summary>
    public CancellationToken Disconnected => _disconnected.Token;

    /// <summary>True once the client's input has ended.</summary>
    public bool IsDisconnected => _disconnected.IsCancellationRequested;

    /// <summary>Watches <paramref name="inputCompleted"/> (the transport's reader completion) and signals when it ends.</summary>
    public void Watch(Task inputCompleted) =>
        inputCompleted.ContinueWith(_ => MarkDisconnected(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Signals that the client is gone.</summary>
    public void MarkDisconnected()
    {
        try
        {
            _disconnected.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Shut down already: nothing is waiting any more.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _disconnected.Dispose();
}
