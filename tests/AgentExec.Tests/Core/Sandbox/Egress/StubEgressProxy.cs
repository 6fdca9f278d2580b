using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Tests.Core.Sandbox.Egress;

/// <summary>
/// A host-side Unix socket server standing in for a call's egress proxy (the real one is <c>EgressProxy</c>): it reads
/// each connection's request head, records its request line, and answers with a fixed HTTP response.
/// </summary>
/// <remarks>
/// A request line starting <c>ECHO</c> switches the connection to the half-close check: the stub reads on to the end of
/// the client's stream — which it sees only if the bridge passes the client's half-close on — and then answers with
/// the number of bytes that followed the head, and closes.
/// </remarks>
internal sealed class StubEgressProxy : IDisposable
{
    /// <summary>The body of every HTTP answer.</summary>
    public const string Body = "stub-proxy-reached";

    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _requestLines = new();

    /// <summary>Listens on <c>proxy.sock</c> in a new folder <c>egress</c> under <paramref name="root"/>, with a sibling file the sandbox must not show.</summary>
    public StubEgressProxy(string root)
    {
        Folder = Directory.CreateDirectory(Path.Combine(root, "egress")).FullName;
        File.WriteAllText(Path.Combine(Folder, "sibling-secret"), "not for the sandbox\n");
        SocketPath = Path.Combine(Folder, "proxy.sock");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(64);
        _ = AcceptAsync();
    }

    /// <summary>The folder holding the socket (and a sibling file).</summary>
    public string Folder { get; }

    /// <summary>The socket's host path, for <c>SandboxInvocation.EgressSocketPath</c>.</summary>
    public string SocketPath { get; }

    /// <summary>Every request line seen so far, in arrival order.</summary>
    public IReadOnlyList<string> RequestLines => [.. _requestLines];

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using (connection)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(20));
                var received = new List<byte>();
                var buffer = new byte[4096];
                int headEnd;
                while ((headEnd = IndexOfHeadEnd(received)) < 0)
                {
                    var count = await connection.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                    if (count == 0)
                    {
                        return;
                    }

                    received.AddRange(buffer.AsSpan(0, count));
                }

                var head = Encoding.ASCII.GetString([.. received], 0, headEnd + 2);
                var requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
                _requestLines.Enqueue(requestLine);

                string answer;
                if (requestLine.StartsWith("ECHO", StringComparison.Ordinal))
                {
                    var following = received.Count - headEnd - 4;
                    int count;
                    while ((count = await connection.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
                    {
                        following += count;
                    }

                    answer = $"received {following} bytes then end-of-stream\n";
                }
                else
                {
                    answer = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}";
                }

                await connection.SendAsync(Encoding.ASCII.GetBytes(answer), SocketFlags.None, timeout.Token);
                connection.Shutdown(SocketShutdown.Send);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away or the stub is stopping; the test sees whatever it got.
            }
        }
    }

    private static int IndexOfHeadEnd(List<byte> received)
    {
        for (var index = 0; index + 3 < received.Count; index++)
        {
            if (received[index] == '\r' && received[index + 1] == '\n' && received[index + 2] == '\r' && received[index + 3] == '\n')
            {
                return index;
            }
        }

        return -1;
    }
}
