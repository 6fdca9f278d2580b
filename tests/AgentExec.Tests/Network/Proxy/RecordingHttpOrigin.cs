using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>
/// The plain-HTTP destination: reads one request (head and Content-Length body), answers <c>200</c> with
/// <see cref="Body"/>, half-closes, then keeps reading until the proxy closes, so every byte the proxy ever sent on
/// the connection is recorded.
/// </summary>
internal sealed class RecordingHttpOrigin
{
    public const string Body = "hello over http";

    /// <summary>Per connection, every byte received (Latin-1), once the proxy has closed it.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public async Task ServeAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var all = new MemoryStream();
        var one = new byte[1];
        while (!Encoding.Latin1.GetString(all.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, cancellationToken) == 1)
        {
            all.WriteByte(one[0]);
        }

        var head = Encoding.Latin1.GetString(all.ToArray());
        var length = head.Split("\r\n")
            .Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(line => int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture))
            .FirstOrDefault();
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancellationToken);
        all.Write(body);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}"), cancellationToken);
        stream.Socket.Shutdown(SocketShutdown.Send);
        await stream.CopyToAsync(all, cancellationToken);
        Received.Enqueue(Encoding.Latin1.GetString(all.ToArray()));
    }
}
