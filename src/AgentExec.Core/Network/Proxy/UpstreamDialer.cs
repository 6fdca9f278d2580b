using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// Opens the connection to a destination the gate allowed: to the permit's addresses only, in order, never resolving
/// the name again; directly, or through the configured upstream proxy.
/// </summary>
internal sealed class UpstreamDialer(EgressProxyOptions options)
{
    /// <summary>The first address of <paramref name="addresses"/> that connects within the timeout; null when none does.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public async Task<Socket?> DialAsync(int port, IReadOnlyList<IPAddress> addresses, CancellationToken cancellationToken)
    {
        foreach (var address in addresses)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            Socket? socket = null;
            try
            {
                socket = options.UpstreamProxy is { } proxy
                    ? await ThroughProxyAsync(proxy, new IPEndPoint(address, port), timeout.Token)
                    : await DirectAsync(new IPEndPoint(address, port), timeout.Token);
                return socket;
            }
            catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException or UpstreamProxyRefusedException
                                              && !cancellationToken.IsCancellationRequested)
            {
                // This address did not answer in time or refused: try the next checked one (never a new lookup).
                socket?.Dispose();
            }
        }

        return null;
    }

    private static async Task<Socket> DirectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Asks the upstream proxy for a tunnel to <paramref name="endPoint"/>: the address the gate checked, not the name.
    /// </summary>
    /// <remarks>
    /// The trade-off: sending the name would let the upstream proxy resolve it again, to an address nobody checked (DNS
    /// rebinding, or a split-horizon resolver that answers an internal address); sending the address keeps the decision
    /// and the connection on the same host, at the cost of an upstream that filters or logs by name seeing only an IP
    /// (the TLS server name still carries the name, and the proxy has checked it equals the CONNECT host).
    /// </remarks>
    private async Task<Socket> ThroughProxyAsync(Uri proxy, IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // The upstream proxy's own name is the user's configuration, not the command's: resolving it is fine.
            await socket.ConnectAsync(new DnsEndPoint(proxy.IdnHost, proxy.Port), cancellationToken);
            var authority = endPoint.AddressFamily == AddressFamily.InterNetworkV6
                ? $"[{endPoint.Address}]:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}"
                : $"{endPoint.Address}:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}";
            await SendAllAsync(socket, Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n"), cancellationToken);

            var buffer = new byte[options.MaxHeaderBytes];
            int headLength, received;
            try
            {
                (headLength, received) = await ProxyHeadReader.ReadAsync(socket, buffer, options.MaxHeaderBytes, options.ConnectTimeout, cancellationToken);
            }
            catch (ProxyRequestRejectedException exception)
            {
                throw new UpstreamProxyRefusedException($"the upstream proxy's answer is unreadable: {exception.Message}");
            }

            // "HTTP/1.x 2xx": only a success opens the tunnel. A TLS server never speaks first, so bytes after the
            // head are not the destination's; refuse rather than guess whose they are.
            var statusLine = buffer.AsSpan(0, headLength);
            if (headLength < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[9] != '2' || received != headLength)
            {
                throw new UpstreamProxyRefusedException("the upstream proxy did not open the tunnel");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends every byte of <paramref name="data"/>.</summary>
    public static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }
}
