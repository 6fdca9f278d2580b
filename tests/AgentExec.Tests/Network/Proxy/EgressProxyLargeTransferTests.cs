using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Text;
using AgentExec.Tests.TestSupport;
using Xunit.Abstractions;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>
/// Long transfers keep the proxy's memory bounded. Measures allocation process-wide, so it runs alone: other tests'
/// allocations would blur the figure.
/// </summary>
[Collection(nameof(EgressProxyLargeTransferTests))]
[CollectionDefinition(nameof(EgressProxyLargeTransferTests), DisableParallelization = true)]
public sealed class EgressProxyLargeTransferTests(ITestOutputHelper output)
{
    private const long TwoHundredMegabytes = 200L * 1024 * 1024;

    [Fact]
    public async Task A_200_MB_download_is_relayed_whole_without_allocating_per_byte()
    {
        // Arrange: the origin and the client both use one fixed buffer, so what is allocated is the proxy's doing.
        await using var upstream = new LoopbackUpstream(async (stream, token) =>
        {
            await stream.ReadAtLeastAsync(new byte[4096], 1, throwOnEndOfStream: false, token);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {TwoHundredMegabytes}\r\n\r\n"), token);
            var chunk = new byte[64 * 1024];
            for (var sent = 0L; sent < TwoHundredMegabytes; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk, token);
            }
        });
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback));
        using var socket = await proxy.ConnectAsync();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        // Act
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET http://big.invalid:{upstream.Port}/ HTTP/1.1\r\nHost: big.invalid:{upstream.Port}\r\n\r\n"));
        var total = 0L;
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            total += read;
        }

        // Assert
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total:N0} bytes relayed, {allocated:N0} bytes allocated in the process."));
        Assert.True(total > TwoHundredMegabytes, $"Only {total:N0} bytes arrived.");
        // Buffering the body would cost 200 MB; relaying through fixed buffers costs a few per-connection objects.
        Assert.True(allocated < 8L * 1024 * 1024, $"Allocated {allocated:N0} bytes while relaying 200 MB.");
    }

    [Fact]
    public async Task A_client_that_stops_reading_stops_the_origin_instead_of_filling_the_proxys_memory()
    {
        // Arrange: the origin writes until one write waits a whole second (back-pressure reached it).
        var written = new TaskCompletionSource<long>();
        await using var upstream = new LoopbackUpstream(async (stream, token) =>
        {
            await stream.ReadAtLeastAsync(new byte[4096], 1, throwOnEndOfStream: false, token);
            var chunk = new byte[64 * 1024];
            var sent = 0L;
            try
            {
                while (sent < TwoHundredMegabytes)
                {
                    using var stalled = CancellationTokenSource.CreateLinkedTokenSource(token);
                    stalled.CancelAfter(TimeSpan.FromSeconds(1));
                    await stream.WriteAsync(chunk, stalled.Token);
                    sent += chunk.Length;
                }
            }
            catch (OperationCanceledException)
            {
                // Stalled.
            }

            written.SetResult(sent);
        });
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback));
        using var socket = await proxy.ConnectAsync();

        // Act: ask, then never read.
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET http://big.invalid:{upstream.Port}/ HTTP/1.1\r\nHost: big.invalid:{upstream.Port}\r\n\r\n"));
        var sent = await written.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // Assert: what the kernel's socket buffers hold plus the proxy's fixed buffer, far from the 200 MB on offer.
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The origin wrote {sent:N0} bytes before it stalled."));
        Assert.True(sent < 32L * 1024 * 1024, $"The origin wrote {sent:N0} bytes to a client that reads nothing.");
    }
}
