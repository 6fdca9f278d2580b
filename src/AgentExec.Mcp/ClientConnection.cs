using System.Collections.Concurrent;

namespace AgentExec.Mcp;

/// <summary>
/// Knows when the client has gone away. The SDK does not fail a server→client request that a tool handler is
/// awaiting when the transport ends, so every wait on the client is linked to <see cref="Disconnected"/>.
/// </summary>
public sealed class ClientConnection : IDisposable
{
    private readonly CancellationTokenSource _disconnected = new();
    private readonly ConcurrentDictionary<Task, byte> _outliving = new();

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

    /// <summary>
    /// Keeps track of work a call started that outlives the request which started it: under 2026-07-28 a call's
    /// pipeline waits for the client's retry after its first request has answered <c>input_required</c>, so the SDK
    /// knows nothing of it. Such work must end once the client is gone (link it to <see cref="Disconnected"/>).
    /// </summary>
    /// <param name="work">The work; it must not throw.</param>
    public void Track(Task work)
    {
        ArgumentNullException.ThrowIfNull(work);
        _outliving.TryAdd(work, 0);
        work.ContinueWith(done => _outliving.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Completes when every piece of tracked work has ended, so a server that stops does not exit before a suspended
    /// call has recorded how it ended.
    /// </summary>
    public Task WhenTrackedWorkEndsAsync() => Task.WhenAll(_outliving.Keys);

    /// <inheritdoc />
    public void Dispose() => _disconnected.Dispose();
}
