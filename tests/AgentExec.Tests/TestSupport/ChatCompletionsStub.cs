using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// A tiny OpenAI Chat Completions endpoint on 127.0.0.1 for tests of the real OpenAI client: it counts and keeps every
/// request that reaches it and answers each as the test says. Nothing leaves the machine.
/// </summary>
/// <remarks>
/// A raw <see cref="TcpListener"/> on port 0 rather than <c>HttpListener</c>: the port is the listener's own (no
/// probe-then-bind race between parallel tests), and closing it cannot fail. It speaks just enough HTTP/1.1 for
/// <c>HttpClient</c>: a request with a Content-Length or chunked body, one response, then the connection is closed.
/// </remarks>
internal sealed class ChatCompletionsStub : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, StubReply> _reply;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _bodies = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;
    private int _count;

    private ChatCompletionsStub(Func<int, StubReply> reply)
    {
        _reply = reply;
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");
        _accepting = AcceptAsync();
    }

    /// <summary>The base URL to give the client (<c>OPENAI_BASE_URL</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>How many requests reached the stub.</summary>
    public int RequestCount => Volatile.Read(ref _count);

    /// <summary>The request bodies, in arrival order.</summary>
    public IReadOnlyList<string> Bodies => _bodies.ToArray();

    /// <summary>Starts a stub that answers request number N (from 1) with <paramref name="reply"/>(N).</summary>
    public static ChatCompletionsStub Start(Func<int, StubReply> reply) => new(reply);

    /// <summary>Starts a stub that answers every request the same way.</summary>
    public static ChatCompletionsStub Start(StubReply reply) => new(_ => reply);

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
                // One request per connection, then close: the OpenAI client shares one connection pool across the
                // process, and a kept-alive connection to a disposed stub could be picked up by the next test's client
                // if the port is reused.
                var stream = client.GetStream();
                if (await ReadRequestBodyAsync(stream) is { } body)
                {
                    _bodies.Enqueue(body);
                    var reply = _reply(Interlocked.Increment(ref _count));
                    if (reply.Delay > TimeSpan.Zero)
                    {
                        await Task.Delay(reply.Delay, _stop.Token);
                    }

                    var content = Encoding.UTF8.GetBytes(reply.Body);
                    var head = Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 {reply.Status} {(HttpStatusCode)reply.Status}\r\nContent-Type: application/json\r\n"
                        + $"Content-Length: {content.Length}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(head, _stop.Token);
                    await stream.WriteAsync(content, _stop.Token);
                }
            }
            catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The client gave up (its budget ran out) or the test ended: nobody is listening for this answer.
            }
        }
    }

    /// <summary>Reads one request; null when the client closed the connection first.</summary>
    private async Task<string?> ReadRequestBodyAsync(NetworkStream stream)
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
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();

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

        return Encoding.UTF8.GetString(body.ToArray());
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
