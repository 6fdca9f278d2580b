using System.Net.Sockets;
using System.Net;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>
/// A test-only TCP endpoint on 127.0.0.1 that relays each connection to the proxy's Unix socket, so programs that
/// only speak TCP to a proxy (curl) can reach it. The product's in-sandbox bridge is separate.
/// </summary>
internal sealed class TcpToUnixRelay(string socketPath) : IAsyncDisposable
{
    private readonly LoopbackUpstream _server = new(async (stream, token) =>
    {
        using var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await unix.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token);
        await using var proxy = new NetworkStream(unix);
        await Task.WhenAll(Pump(stream, proxy, unix), Pump(proxy, stream, stream.Socket));

        async Task Pump(NetworkStream from, NetworkStream to, Socket toSocket)
        {
            try
            {
                await from.CopyToAsync(to, token);
                toSocket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception exception) when (exception is IOException or SocketException)
            {
                // One side reset: the other side's copy ends too.
            }
        }
    }, IPAddress.Loopback);

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string ProxyUrl => $"http://127.0.0.1:{_server.Port}";

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
