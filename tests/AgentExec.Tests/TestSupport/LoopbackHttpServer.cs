using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Tests.TestSupport;

/// <summary>One request as <see cref="LoopbackHttpServer"/> read it: the path and the whole body.</summary>
internal sealed record LoopbackRequest(string Path, byte[] Body);

/// <summary>One response for <see cref="LoopbackHttpServer"/> to write.</summary>
internal sealed record LoopbackResponse(int Status, string ContentType, byte[] Body);

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
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<LoopbackRequest, CancellationToken, Task<LoopbackResponse>> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;

    public LoopbackHttpServer(Func<LoopbackRequest, CancellationToken, Task<LoopbackResponse>> respond)
    {
        _respond = respond;
        _listener.Start();
        Origin = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    /// <summary><c>http://127.0.0.1:PORT</c>, with no trailing slash.</summary>
    public string Origin { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_connections).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                // Stopped (InvalidOperationException: "not listening" once DisposeAsync has stopped the listener).
                return;
            }

            _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                // One request per connection, then close: HttpClient shares one connection pool across the process,
                // and a kept-alive connection to a disposed server could be picked up by the next test if the port is
                // reused.
                var stream = client.GetStream();
                if (await ReadRequestAsync(stream) is { } request)
                {
                    var response = await _respond(request, _stop.Token);
                    var head = Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 {response.Status} {(HttpStatusCode)response.Status}\r\nContent-Type: {response.ContentType}\r\n"
                        + $"Content-Length: {response.Body.Length}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(head, _stop.Token);
                    await stream.WriteAsync(response.Body, _stop.Token);
                }
            }
            catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The client gave up (its budget ran out) or the test ended: nobody is listening for this answer.
            }
        }
    }

    /// <summary>Reads one request; null when the client closed the connection first.</summary>
    private async Task<LoopbackRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var header = new StringBuilder();
        var buffer = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer, _stop.Token) == 0)
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
            await CopyExactlyAsync(stream, body, int.Parse(length, CultureInfo.InvariantCulture));
        }
        else if (Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            while (true)
            {
                var size = int.Parse((await ReadLineAsync(stream)).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    await ReadLineAsync(stream);
                    break;
                }

                await CopyExactlyAsync(stream, body, size);
                await ReadLineAsync(stream);
            }
        }

        return new LoopbackRequest(path, body.ToArray());
    }

    private async Task CopyExactlyAsync(NetworkStream stream, MemoryStream into, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, _stop.Token);
        into.Write(buffer);
    }

    private async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        var buffer = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            await stream.ReadExactlyAsync(buffer, _stop.Token);
            line.Append((char)buffer[0]);
        }

        return line.ToString()[..^2];
    }
}
