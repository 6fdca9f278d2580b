using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Text;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// A plain-HTTP destination for the sandboxed command, on <see cref="Address"/> (127.0.0.2 by default: the proxy
/// variables' <c>NO_PROXY</c> covers 127.0.0.1, so a client in the sandbox would never send that one through the
/// proxy). <c>GET /bytes/N</c> streams N bytes; any other path answers <see cref="Body"/>.
/// </summary>
internal sealed class LocalHttpOrigin : IAsyncDisposable
{
    /// <summary>What every request but <c>/bytes/N</c> is answered with.</summary>
    public const string Body = "hello from the local upstream";

    private const int ChunkBytes = 64 * 1024;
    private static readonly byte[] Chunk = Enumerable.Repeat((byte)'x', ChunkBytes).ToArray();

    private readonly LoopbackUpstream _upstream;

    public LocalHttpOrigin(string address = "127.0.0.2")
    {
        _upstream = new LoopbackUpstream(ServeAsync, IPAddress.Parse(address));
    }

    public IPAddress Address => _upstream.Address;

    public int Port => _upstream.Port;

    /// <summary>Connections accepted so far: zero proves nothing reached this destination.</summary>
    public int Accepted => _upstream.Accepted;

    /// <summary>The <c>host:port</c> of this destination, as an allow-list entry and a URL authority write it.</summary>
    public string Authority => $"{Address}:{Port}";

    /// <summary><c>http://ADDRESS:PORT</c> followed by <paramref name="path"/>.</summary>
    public string Url(string path = "/") => $"http://{Authority}{path}";

    public ValueTask DisposeAsync() => _upstream.DisposeAsync();

    private static async Task ServeAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, cancellationToken) == 1)
        {
            head.Append((char)one[0]);
        }

        var path = head.ToString().Split(' ') is [_, var target, ..] ? target : "/";
        if (path.StartsWith("/bytes/", StringComparison.Ordinal)
            && long.TryParse(path["/bytes/".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"), cancellationToken);
            for (var left = length; left > 0; left -= ChunkBytes)
            {
                await stream.WriteAsync(Chunk.AsMemory(0, (int)Math.Min(left, ChunkBytes)), cancellationToken);
            }
        }
        else
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}"), cancellationToken);
        }

        stream.Socket.Shutdown(SocketShutdown.Send);
    }
}
