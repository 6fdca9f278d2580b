using System.Net.Sockets;
using System.Text;
using AgentExec.Core.Network;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// Stands in for the real egress proxy (another part of issue 14): it listens on the run's Unix socket and answers each
/// plain-HTTP request by asking the gate about its <c>Host</c>, with <c>200 allowed</c> or <c>403</c> and the gate's
/// refusal message — nothing is forwarded anywhere. A command reaches it with <c>curl --unix-socket</c>, so a test can
/// put a network question in the middle of a real run.
/// </summary>
internal sealed class HttpEgressProxyHost : IEgressProxyHost
{
    private int _started;

    /// <summary>How many runs started a proxy.</summary>
    public int Started => Volatile.Read(ref _started);

    /// <summary>The socket path of the last run.</summary>
    public string? LastSocketPath { get; private set; }

    public Task<IAsyncDisposable> StartAsync(string socketPath, IEgressGate gate, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _started);
        LastSocketPath = socketPath;
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(16);
        var stop = new CancellationTokenSource();
        var serving = ServeAsync(listener, gate, stop.Token);
        return Task.FromResult<IAsyncDisposable>(new Running(listener, stop, serving));
    }

    private static async Task ServeAsync(Socket listener, IEgressGate gate, CancellationToken stop)
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var connection = await listener.AcceptAsync(stop);
                connections.Add(AnswerAsync(connection, gate, stop));
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(connections);
    }

    private static async Task AnswerAsync(Socket connection, IEgressGate gate, CancellationToken stop)
    {
        using (connection)
        await using (var stream = new NetworkStream(connection))
        {
            try
            {
                var head = await ReadHeadAsync(stream, stop);
                var host = head.Split("\r\n").Skip(1).FirstOrDefault(line => line.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))?[5..].Trim() ?? "";
                var colon = host.LastIndexOf(':');
                var (name, port) = colon > 0 ? (host[..colon], int.Parse(host[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture)) : (host, 80);
                var permit = NetworkTarget.TryCreate(name, port, out var target, out var error)
                    ? await gate.DecideAsync(target, EgressRequestKind.PlainHttp, stop)
                    : EgressPermit.Refuse(error);
                var body = permit.Allowed ? "allowed " + target + "\n" : permit.RefusalMessage + "\n";
                var status = permit.Allowed ? "200 OK" : "403 Forbidden";
                var response = $"HTTP/1.1 {status}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(response), stop);
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or FormatException)
            {
            }
        }
    }

    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken stop)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 8192)
        {
            if (await stream.ReadAsync(buffer, stop) == 0)
            {
                break;
            }

            head.Append((char)buffer[0]);
        }

        return head.ToString();
    }

    private sealed class Running(Socket listener, CancellationTokenSource stop, Task serving) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Dispose();
            await serving.WaitAsync(TimeSpan.FromSeconds(10));
            stop.Dispose();
        }
    }
}
