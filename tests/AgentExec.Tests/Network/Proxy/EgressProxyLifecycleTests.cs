using System.Net.Sockets;
using System.Net;
using System.Runtime.Versioning;
using System.Text;
using AgentExec.Core.Network.Proxy;
using AgentExec.Core.Network;
using AgentExec.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>The socket's rights, the bounds (connections, slow clients) and disposal.</summary>
[SupportedOSPlatform("linux")]
public sealed class EgressProxyLifecycleTests
{
    [Fact]
    public async Task The_socket_is_owner_only()
    {
        // Arrange / Act
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback));

        // Assert
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(proxy.SocketPath));
    }

    [Fact]
    public void An_existing_file_at_the_socket_path_is_refused_and_left_alone()
    {
        // Arrange
        using var directory = new TemporaryDirectory();
        var path = directory.File("egress.sock");
        File.WriteAllText(path, "keep me");

        // Act
        var exception = Record.Exception(() => EgressProxy.Start(path, new FakeEgressGate(), EgressProxyOptions.Default, NullLogger.Instance));

        // Assert
        Assert.IsType<IOException>(exception);
        Assert.Equal("keep me", File.ReadAllText(path));
    }

    [Fact]
    public void A_directory_other_users_can_enter_is_refused()
    {
        // Arrange
        using var directory = new TemporaryDirectory();
        File.SetUnixFileMode(directory.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);

        // Act
        var exception = Record.Exception(() => EgressProxy.Start(directory.File("egress.sock"), new FakeEgressGate(), EgressProxyOptions.Default, NullLogger.Instance));

        // Assert
        Assert.IsType<IOException>(exception);
        Assert.False(File.Exists(directory.File("egress.sock")));
    }

    [Fact]
    public async Task A_slow_client_that_never_finishes_its_head_is_answered_408_and_closed()
    {
        // Arrange
        var gate = new FakeEgressGate(IPAddress.Loopback);
        await using var proxy = new ProxyUnderTest(gate, EgressProxyOptions.Default with { HeaderTimeout = TimeSpan.FromMilliseconds(500) });
        using var socket = await proxy.ConnectAsync();
        using var stopTrickling = new CancellationTokenSource();

        // Act: a byte every 50 ms, forever (slow loris); the deadline is for the whole head, not between bytes.
        var trickle = Task.Run(async () =>
        {
            try
            {
                await socket.SendAsync("GET http://h.invalid/ HTTP/1.1\r\n"u8.ToArray());
                while (true)
                {
                    await Task.Delay(50, stopTrickling.Token);
                    await socket.SendAsync("X"u8.ToArray(), SocketFlags.None, stopTrickling.Token);
                }
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException)
            {
                // The proxy closed the connection.
            }
        });
        var response = Encoding.ASCII.GetString(await ProxyUnderTest.ReadToEndAsync(socket));
        await stopTrickling.CancelAsync();
        await trickle;

        // Assert
        Assert.StartsWith("HTTP/1.1 408 ", response, StringComparison.Ordinal);
        Assert.Empty(gate.Asked);
        // The client sees the close before the connection's task has counted itself out: wait for the count.
        await Eventually.HoldsAsync(() => proxy.Proxy.ActiveConnections == 0);
    }

    [Fact]
    public async Task Connections_over_the_limit_are_answered_503()
    {
        // Arrange: two connections held in the gate.
        var held = new TaskCompletionSource<EgressPermit>();
        var gate = new FakeEgressGate((_, _, token) => held.Task.WaitAsync(token));
        await using var proxy = new ProxyUnderTest(gate, EgressProxyOptions.Default with { MaxConnections = 2 });
        using var first = await proxy.ConnectAsync();
        using var second = await proxy.ConnectAsync();
        await first.SendAsync("CONNECT a.invalid:443 HTTP/1.1\r\n\r\n"u8.ToArray());
        await second.SendAsync("CONNECT b.invalid:443 HTTP/1.1\r\n\r\n"u8.ToArray());
        await Eventually.HoldsAsync(() => gate.Asked.Count == 2);

        // Act: the proxy answers a connection over the limit as it accepts it, before reading anything, and closes;
        // a request sent after that close could meet a broken pipe, so the answer is read without sending one.
        using var over = await proxy.ConnectAsync();
        var third = Encoding.Latin1.GetString(await ProxyUnderTest.ReadToEndAsync(over));

        // Assert
        Assert.StartsWith("HTTP/1.1 503 ", third, StringComparison.Ordinal);
        Assert.Equal(2, gate.Asked.Count);
        held.SetResult(EgressPermit.Refuse("no"));
    }

    [Fact]
    public async Task Disposing_closes_open_tunnels_and_connections_waiting_on_the_gate_and_removes_the_socket()
    {
        // Arrange: one tunnel relaying, one connection waiting for a decision that never comes.
        var originClosed = new TaskCompletionSource<int>();
        await using var upstream = new LoopbackUpstream(async (stream, token) =>
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, token)) > 0)
            {
            }

            originClosed.TrySetResult(read);
        });
        var gate = new FakeEgressGate((target, _, token) => target.Host == "wait.invalid"
            ? Task.Delay(Timeout.Infinite, token).ContinueWith(_ => EgressPermit.Refuse("late"), TaskScheduler.Default)
            : Task.FromResult(EgressPermit.Allow([IPAddress.Loopback])));
        var proxy = new ProxyUnderTest(gate);
        using var tunnel = await proxy.ConnectAsync();
        await EgressProxyConnectTests.ConnectAsync(tunnel, $"{TestCertificates.ServerName}:{upstream.Port}");
        await tunnel.SendAsync(TestClientHello.Build(TestCertificates.ServerName));
        using var waiting = await proxy.ConnectAsync();
        await waiting.SendAsync("CONNECT wait.invalid:443 HTTP/1.1\r\n\r\n"u8.ToArray());
        await Eventually.HoldsAsync(() => gate.Asked.Count == 2 && upstream.Accepted == 1);

        // Act
        await proxy.DisposeAsync();

        // Assert: both clients see the end, the origin sees its connection end, the socket file is gone.
        Assert.Empty(await ProxyUnderTest.ReadToEndAsync(tunnel));
        Assert.Empty(await ProxyUnderTest.ReadToEndAsync(waiting));
        Assert.Equal(0, await originClosed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(File.Exists(proxy.SocketPath));
        Assert.Equal(0, proxy.Proxy.ActiveConnections);
    }

    [Fact]
    public async Task Two_hundred_parallel_tunnels_all_round_trip()
    {
        // Arrange: an origin that echoes the ClientHello's length back after reading it.
        var hello = TestClientHello.Build(TestCertificates.ServerName);
        await using var upstream = new LoopbackUpstream(async (stream, token) =>
        {
            var buffer = new byte[hello.Length];
            await stream.ReadExactlyAsync(buffer, token);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("ok"), token);
        });
        var gate = new FakeEgressGate(IPAddress.Loopback);
        await using var proxy = new ProxyUnderTest(gate);

        // Act
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var socket = await proxy.ConnectAsync();
            await EgressProxyConnectTests.ConnectAsync(socket, $"{TestCertificates.ServerName}:{upstream.Port}");
            await socket.SendAsync(hello);
            return Encoding.ASCII.GetString(await ProxyUnderTest.ReadToEndAsync(socket));
        }));

        // Assert
        Assert.All(answers, answer => Assert.Equal("ok", answer));
        Assert.Equal(200, gate.Asked.Count);
        Assert.Equal(200, upstream.Accepted);
    }
}
