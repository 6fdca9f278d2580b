using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Tests.TestSupport;

/// <summary>One request as <see cref="LoopbackHttpServer"/> read it: the path and the whole body.</summary>
internal sealed record LoopbackRequest(string Path, byte[] Body);

/// <summary>One response for <see cref="LoopbackHttpServer"/> to write.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="ContentType">The body's media type.</param>
/// <param name="Body">The body.</param>
/// <param name="Chunked">Send the body in 64 KiB chunks with no Content-Length, so the client learns its size only by reading it.</param>
internal sealed record LoopbackResponse(int Status, string ContentType, byte[] Body, bool Chunked = false);

/// <summary>
/// The one HTTP/1.1 endpoint on 127.0.0.1 behind every test stub (the chat completions stub, the OTLP receiver).
/// Nothing leaves the machine.
/// </summary>
/// <remarks>
/// A raw <see cref="TcpListener"/> on port 0 rather than <c>HttpListener</c>: the port is the listener's own (no
/// probe-then-bind race between parallel tests), and closing it cannot fail. <c>HttpListener</c>'s managed Linux
/// implementation binds the port again while it is being closed, which failed CI with "Address already in use" once
/// another test had taken the released port. It speaks just enough HTTP/1.1 for <c>HttpClient</c>: a request with a
/// Content-Length or chunked body, one response, then the connection is closed.
/// </remarks>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly Func<LoopbackRequest, CancellationToken, Task<LoopbackResponse>> _respond;
    private readonly LoopbackUpstream _server;

    public LoopbackHttpServer(Func<LoopbackRequest, CancellationToken, Task<LoopbackResponse>> respond)
    {
        _respond = respond;
        _server = new LoopbackUpstream(ServeAsync);
        Origin = $"http://127.0.0.1:{_server.Port}";
    }

    /// <summary><c>http://127.0.0.1:PORT</c>, with no trailing slash.</summary>
    public string Origin { get; }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    // One request per connection, then close: HttpClient shares one connection pool across the process, and a
    // kept-alive connection to a disposed server could be picked up by the next test if the port is reused. A client
    // that gave up (its budget ran out) ends the exchange with an error LoopbackUpstream absorbs.
    private async Task ServeAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        if (await ReadRequestAsync(stream, cancellationToken) is { } request)
        {
            var response = await _respond(request, cancellationToken);
            var head = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 {response.Status} {(HttpStatusCode)response.Status}\r\nContent-Type: {response.ContentType}\r\n"
                + (response.Chunked ? "Transfer-Encoding: chunked" : $"Content-Length: {response.Body.Length}") + "\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(head, cancellationToken);
            if (response.Chunked)
            {
                await WriteChunkedAsync(stream, response.Body, cancellationToken);
            }
            else
            {
                await stream.WriteAsync(response.Body, cancellationToken);
            }
        }
    }

    private static async Task WriteChunkedAsync(NetworkStream stream, byte[] body, CancellationToken cancellationToken)
    {
        const int ChunkSize = 64 * 1024;
        for (var offset = 0; offset < body.Length; offset += ChunkSize)
        {
            var size = Math.Min(ChunkSize, body.Length - offset);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(size.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), cancellationToken);
            await stream.WriteAsync(body.AsMemory(offset, size), cancellationToken);
            await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }

        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
    }

    /// <summary>Reads one request; null when the client closed the connection first.</summary>
    private static async Task<LoopbackRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new StringBuilder();
        var buffer = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer, cancellationToken) == 0)
            {
                return null;
            }

            header.Append((char)buffer[0]);
        }

        var lines = header.ToString().Split("\r\n");
        string? Header(string name) => lines
            .Skip(1)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();

        var requestLine = lines[0].Split(' ');
        var path = requestLine.Length >= 2 ? requestLine[1].Split('?')[0] : "/";

        var body = new MemoryStream();
        if (Header("Content-Length") is { } length)
        {
            await CopyExactlyAsync(stream, body, int.Parse(length, CultureInfo.InvariantCulture), cancellationToken);
        }
        else if (Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            while (true)
            {
                var size = int.Parse((await ReadLineAsync(stream, cancellationToken)).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    await ReadLineAsync(stream, cancellationToken);
                    break;
                }

                await CopyExactlyAsync(stream, body, size, cancellationToken);
                await ReadLineAsync(stream, cancellationToken);
            }
        }

        return new LoopbackRequest(path, body.ToArray());
    }

    private static async Task CopyExactlyAsync(NetworkStream stream, MemoryStream into, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        into.Write(buffer);
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var buffer = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
            line.Append((char)buffer[0]);
        }

        return line.ToString()[..^2];
    }
}
