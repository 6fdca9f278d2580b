using System.Net.Sockets;

namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// Copies bytes from one socket to another through one fixed buffer: the memory a transfer holds does not grow with
/// its size, and a slow reader slows the writer (the kernel's buffers fill and the next receive waits).
/// </summary>
internal static class SocketRelay
{
    /// <summary>
    /// Copies until <paramref name="from"/> ends, then half-closes <paramref name="to"/> (so the peer sees the end too),
    /// or until <paramref name="limit"/> bytes were copied.
    /// </summary>
    /// <returns>The bytes copied.</returns>
    public static async Task<long> PumpAsync(Socket from, Socket to, Memory<byte> buffer, long limit, bool shutdownWhenDone, CancellationToken cancellationToken)
    {
        var copied = 0L;
        while (copied < limit)
        {
            var chunk = buffer.Length < limit - copied ? buffer : buffer[..(int)(limit - copied)];
            var read = await from.ReceiveAsync(chunk, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                break;
            }

            await UpstreamDialer.SendAllAsync(to, chunk[..read], cancellationToken);
            copied += read;
        }

        if (shutdownWhenDone)
        {
            to.Shutdown(SocketShutdown.Send);
        }

        return copied;
    }

    /// <summary>
    /// Relays both ways until both directions have ended (each end's close is passed on as a half-close), or either
    /// fails; then the caller closes both sockets.
    /// </summary>
    public static async Task RelayAsync(Socket client, Socket upstream, Memory<byte> up, Memory<byte> down, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAll(Direction(client, upstream, up), Direction(upstream, client, down));

        async Task Direction(Socket from, Socket to, Memory<byte> buffer)
        {
            try
            {
                await PumpAsync(from, to, buffer, long.MaxValue, shutdownWhenDone: true, failed.Token);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // A reset or a closed proxy: the other direction cannot go on usefully either.
                await failed.CancelAsync();
            }
        }
    }
}
