using System.Net.Sockets;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The egress bridge's relay: every TCP connection accepted on the sandbox's loopback port is joined to a fresh
/// connection to the call's egress proxy through its Unix socket, byte for byte in both directions.
/// </summary>
/// <remarks>
/// <para>
/// The relay understands nothing of what it carries: the proxy on the other end decides (SPEC.md "Network
/// allow-list"), and the command could as well connect to the socket itself. So the relay only has to stay bounded and
/// faithful: a fixed buffer per direction (<see cref="BufferBytes"/>), at most <see cref="MostConcurrentConnections"/>
/// connections at a time (the next ones wait in the listen backlog), and a half-close passed on as a half-close, so that
/// a client that shuts down its sending side still reads the whole answer.
/// </para>
/// <para>
/// A connection the proxy cannot take (the socket is gone) is closed at once; an error on either side closes both, and
/// the other direction ends with it.
/// </para>
/// </remarks>
internal static class EgressRelay
{
    /// <summary>The buffer of each direction of each connection.</summary>
    internal const int BufferBytes = 16 * 1024;

    /// <summary>How many connections are relayed at once: bounds the bridge's memory at about 8 MiB of buffers.</summary>
    internal const int MostConcurrentConnections = 256;

    /// <summary>How long the accept loop pauses after a failed accept (out of descriptors), so it does not spin.</summary>
    private static readonly TimeSpan AcceptRetryPause = TimeSpan.FromMilliseconds(50);

    /// <summary>Accepts connections on <paramref name="listener"/> until it is closed, relaying each to <paramref name="socketPath"/>.</summary>
    public static async Task AcceptAsync(Socket listener, string socketPath)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var proxy = new UnixDomainSocketEndPoint(socketPath);

        // Never disposed: it lives as long as the process, and relays still release it after the listener closed.
        var slots = new SemaphoreSlim(MostConcurrentConnections, MostConcurrentConnections);
        while (true)
        {
            await slots.WaitAsync().ConfigureAwait(false);
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException exception) when (exception.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown)
            {
                // The listener was closed: the command has ended.
                return;
            }
            catch (SocketException)
            {
                // Out of descriptors or a connection that died in the backlog: the listener is still good.
                slots.Release();
                await Task.Delay(AcceptRetryPause).ConfigureAwait(false);
                continue;
            }

            _ = RelayAsync(client, proxy, slots);
        }
    }

    /// <summary>Joins <paramref name="client"/> to a new connection to <paramref name="proxy"/> until both directions end.</summary>
    internal static async Task RelayAsync(Socket client, UnixDomainSocketEndPoint proxy, SemaphoreSlim slots)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(slots);
        using var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using (client)
            {
                try
                {
                    await upstream.ConnectAsync(proxy).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    // No proxy to relay to: the client sees its connection closed, which is all a refusal can be here.
                    return;
                }

                await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client)).ConfigureAwait(false);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> until the end of its stream, then half-closes <paramref name="to"/>.</summary>
    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[BufferBytes];
        try
        {
            while (true)
            {
                var received = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                for (var sent = 0; sent < received;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, received - sent), SocketFlags.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // One side broke: close both, so that the other direction's pending receive ends too.
            from.Dispose();
            to.Dispose();
        }
    }
}
