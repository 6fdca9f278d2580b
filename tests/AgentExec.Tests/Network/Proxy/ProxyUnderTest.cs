using System.Net.Sockets;
using System.Text;
using AgentExec.Core.Network;
using AgentExec.Core.Network.Proxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>An <see cref="EgressProxy"/> on a socket in a fresh private directory, and raw clients for it.</summary>
internal sealed class ProxyUnderTest : IAsyncDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public ProxyUnderTest(IEgressGate gate, EgressProxyOptions? options = null)
    {
        SocketPath = _directory.File("egress.sock");
        Proxy = EgressProxy.Start(SocketPath, gate, options ?? EgressProxyOptions.Default, NullLogger.Instance);
    }

    public string SocketPath { get; }

    public EgressProxy Proxy { get; }

    /// <summary>A connected client socket, as the sandbox's bridge would open.</summary>
    public async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        return socket;
    }

    /// <summary>Sends <paramref name="request"/> and reads until the proxy closes (10 s at most).</summary>
    public async Task<string> ExchangeAsync(string request)
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.Latin1.GetBytes(request));
        return Encoding.Latin1.GetString(await ReadToEndAsync(socket));
    }

    /// <summary>Everything the peer sends until it closes; fails the test after 10 s.</summary>
    public static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                all.Write(buffer, 0, read);
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with unread data on the proxy's side: what arrived before is the answer.
        }

        return all.ToArray();
    }

    /// <summary>Reads one response head (through CRLF CRLF) byte by byte, leaving what follows unread.</summary>
    public static async Task<string> ReadHeadAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        _directory.Dispose();
    }
}
