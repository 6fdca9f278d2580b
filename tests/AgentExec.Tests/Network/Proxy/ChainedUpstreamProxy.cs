using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>
/// A minimal upstream HTTP proxy for the chaining tests: records each CONNECT line, accepts only an IP-literal
/// target (a name here would mean it could resolve it to something unchecked), connects and relays.
/// </summary>
internal sealed class ChainedUpstreamProxy
{
    /// <summary>The request lines received, in order.</summary>
    public ConcurrentQueue<string> RequestLines { get; } = new();

    public async Task ServeAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, cancellationToken) == 1)
        {
            head.Append((char)one[0]);
        }

        var requestLine = head.ToString().Split("\r\n")[0];
        RequestLines.Enqueue(requestLine);
        var authority = requestLine.Split(' ')[1];
        var colon = authority.LastIndexOf(':');
        if (!requestLine.StartsWith("CONNECT ", StringComparison.Ordinal) ||
            !IPAddress.TryParse(authority[..colon].Trim('[', ']'), out var address))
        {
            await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), cancellationToken);
            return;
        }

        using var destination = new TcpClient(address.AddressFamily);
        await destination.ConnectAsync(address, int.Parse(authority[(colon + 1)..], CultureInfo.InvariantCulture), cancellationToken);
        await stream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), cancellationToken);
        var onward = destination.GetStream();
        await Task.WhenAll(
            Pump(stream, onward, destination.Client),
            Pump(onward, stream, stream.Socket));

        async Task Pump(NetworkStream from, NetworkStream to, Socket toSocket)
        {
            await from.CopyToAsync(to, cancellationToken);
            toSocket.Shutdown(SocketShutdown.Send);
        }
    }
}
