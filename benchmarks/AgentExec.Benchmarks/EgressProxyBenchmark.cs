using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AgentExec.Core.Network.Proxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentExec.Benchmarks;

/// <summary>
/// What the egress proxy adds (issue 14): the latency of one connection with one small plain-HTTP request, and the
/// throughput of one large response body, through the proxy's Unix socket against the same request sent straight to
/// the loopback origin. Direct and proxied runs alternate, so drift on a shared machine hits both alike.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/AgentExec.Benchmarks -- proxy [REQUESTS] [LARGE_ROUNDS] [LARGE_MB]</c>.
/// The gate allows at once (<see cref="AllowAllGate"/>), so the figures are the proxy's parsing, dialling and
/// relaying, not a decision's (a human's question dwarfs them). The in-sandbox bridge's hop is not included.
/// </remarks>
internal static class EgressProxyBenchmark
{
    private const int Warmup = 20;

    public static async Task<int> RunAsync(int requests, int largeRounds, int largeMegabytes)
    {
        var directory = Directory.CreateTempSubdirectory("agentexec-proxy-bench-");
        var largeBytes = (long)largeMegabytes * 1024 * 1024;
        using var origin = new TcpListener(IPAddress.Loopback, 0);
        origin.Start(512);
        var port = ((IPEndPoint)origin.LocalEndpoint).Port;
        using var stopOrigin = new CancellationTokenSource();
        var serving = ServeAsync(origin, largeBytes, stopOrigin.Token);
        var proxy = EgressProxy.Start(Path.Combine(directory.FullName, "egress.sock"), new AllowAllGate(), EgressProxyOptions.Default, NullLogger.Instance);
        try
        {
            var small = $"GET http://origin.invalid:{port}/small HTTP/1.1\r\nHost: origin.invalid:{port}\r\n\r\n";
            var large = $"GET http://origin.invalid:{port}/large HTTP/1.1\r\nHost: origin.invalid:{port}\r\n\r\n";
            var buffer = new byte[64 * 1024];
            var latency = (Direct: new List<double>(), Proxied: new List<double>());
            for (var i = 0; i < Warmup + requests; i++)
            {
                var direct = await TimeAsync(() => ExchangeAsync(Direct(port), small, buffer));
                var proxied = await TimeAsync(() => ExchangeAsync(Proxied(proxy.SocketPath), small, buffer));
                if (i >= Warmup)
                {
                    latency.Direct.Add(direct.Milliseconds);
                    latency.Proxied.Add(proxied.Milliseconds);
                }
            }

            var throughput = (Direct: new List<double>(), Proxied: new List<double>());
            for (var i = 0; i < 1 + largeRounds; i++)
            {
                var direct = await TimeAsync(() => ExchangeAsync(Direct(port), large, buffer));
                var proxied = await TimeAsync(() => ExchangeAsync(Proxied(proxy.SocketPath), large, buffer));
                if (i >= 1)
                {
                    throughput.Direct.Add(direct.Bytes / (1024.0 * 1024) / (direct.Milliseconds / 1000));
                    throughput.Proxied.Add(proxied.Bytes / (1024.0 * 1024) / (proxied.Milliseconds / 1000));
                }
            }

            Console.WriteLine($"Egress proxy, {Environment.ProcessorCount} CPUs. One connection + one small plain-HTTP request, {requests} each after {Warmup} warm-ups:");
            Console.WriteLine($"{"variant",-10} {"median ms",10} {"p10 ms",8} {"p90 ms",8}");
            Row("direct", latency.Direct, "F3");
            Row("proxied", latency.Proxied, "F3");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"added per connection (median): {Percentiles.Of(latency.Proxied, 0.5) - Percentiles.Of(latency.Direct, 0.5):F3} ms"));
            Console.WriteLine();
            Console.WriteLine($"One {largeMegabytes} MiB response body, {largeRounds} each after 1 warm-up, MiB/s:");
            Console.WriteLine($"{"variant",-10} {"median",10} {"p10",8} {"p90",8}");
            Row("direct", throughput.Direct, "F0");
            Row("proxied", throughput.Proxied, "F0");
            return 0;
        }
        finally
        {
            await proxy.DisposeAsync();
            await stopOrigin.CancelAsync();
            origin.Stop();
            await serving;
            directory.Delete(recursive: true);
        }
    }

    private static void Row(string name, List<double> values, string format) => Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{name,-10} {Percentiles.Of(values, 0.5).ToString(format, CultureInfo.InvariantCulture),10} {Percentiles.Of(values, 0.1).ToString(format, CultureInfo.InvariantCulture),8} {Percentiles.Of(values, 0.9).ToString(format, CultureInfo.InvariantCulture),8}"));

    private static async Task<Socket> Direct(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    private static async Task<Socket> Proxied(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        return socket;
    }

    /// <summary>Connects, sends the request (absolute-form: the origin ignores the form), reads to the end.</summary>
    private static async Task<long> ExchangeAsync(Task<Socket> connecting, string request, byte[] buffer)
    {
        using var socket = await connecting;
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        var total = 0L;
        int read;
        while ((read = await socket.ReceiveAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static async Task<(double Milliseconds, long Bytes)> TimeAsync(Func<Task<long>> exchange)
    {
        var stopwatch = Stopwatch.StartNew();
        var bytes = await exchange();
        return (stopwatch.Elapsed.TotalMilliseconds, bytes);
    }

    /// <summary>The origin: reads a request head, answers a 2-byte body for /small or the large body, and closes.</summary>
    private static async Task ServeAsync(TcpListener listener, long largeBytes, CancellationToken stop)
    {
        var chunk = new byte[64 * 1024];
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stop);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var head = new byte[4096];
                    var received = 0;
                    while (!Encoding.ASCII.GetString(head, 0, received).Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        received += await client.ReceiveAsync(head.AsMemory(received));
                    }

                    var isLarge = Encoding.ASCII.GetString(head, 0, received).Contains("/large", StringComparison.Ordinal);
                    var length = isLarge ? largeBytes : 2;
                    await client.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"));
                    if (!isLarge)
                    {
                        await client.SendAsync("ok"u8.ToArray());
                        return;
                    }

                    for (var sent = 0L; sent < largeBytes; sent += chunk.Length)
                    {
                        await client.SendAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, largeBytes - sent)));
                    }

                    client.Shutdown(SocketShutdown.Send);
                }
            }, stop);
        }
    }
}
