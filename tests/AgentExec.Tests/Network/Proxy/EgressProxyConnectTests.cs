using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Net;
using System.Text;
using AgentExec.Core.Network.Proxy;
using AgentExec.Core.Network;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>CONNECT tunnels: the gate asked once per target, the permit's address used, the TLS server name checked.</summary>
public sealed class EgressProxyConnectTests
{
    private readonly ConcurrentQueue<EgressProtocolRefusal> _refusals = new();

    [Fact]
    public async Task An_allowed_CONNECT_carries_a_TLS_round_trip_to_the_permits_address_with_the_right_server_name()
    {
        // Arrange: the name is under .invalid, so it resolves nowhere; only the permit's address can reach the origin.
        var origin = new TlsOrigin();
        await using var upstream = new LoopbackUpstream(origin.ServeAsync);
        var gate = new FakeEgressGate(IPAddress.Loopback);
        await using var proxy = new ProxyUnderTest(gate);
        using var client = ProxiedHttpClient.Create(proxy.SocketPath);

        // Act
        var body = await client.GetStringAsync($"https://{TestCertificates.ServerName}:{upstream.Port}/path");

        // Assert
        Assert.Equal(TlsOrigin.Body, body);
        Assert.Equal([(new NetworkTarget(TestCertificates.ServerName, upstream.Port), EgressRequestKind.Connect)], gate.Asked);
        Assert.Equal([TestCertificates.ServerName], origin.ServerNames);
    }

    [Fact]
    public async Task The_permits_address_is_used_even_when_the_name_resolves_elsewhere()
    {
        // Arrange: "localhost" resolves to 127.0.0.1 / ::1; the origin listens on 127.0.0.2 only.
        var origin = new TlsOrigin();
        await using var upstream = new LoopbackUpstream(origin.ServeAsync, IPAddress.Parse("127.0.0.2"));
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Parse("127.0.0.2")));
        using var socket = await proxy.ConnectAsync();

        // Act
        var established = await ConnectAsync(socket, $"localhost:{upstream.Port}");
        await using var tls = new SslStream(new NetworkStream(socket), false, TestCertificates.Validate);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });

        // Assert
        Assert.StartsWith("HTTP/1.1 200 ", established, StringComparison.Ordinal);
        Assert.Equal(["localhost"], origin.ServerNames);
        Assert.Equal(1, upstream.Accepted);
    }

    [Fact]
    public async Task A_ClientHello_naming_another_host_is_refused_and_reported()
    {
        // Arrange
        var origin = new TlsOrigin();
        await using var upstream = new LoopbackUpstream(origin.ServeAsync);
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback), Options());
        using var socket = await proxy.ConnectAsync();
        await ConnectAsync(socket, $"{TestCertificates.ServerName}:{upstream.Port}");

        // Act: a real TLS client whose server name is another site (domain fronting through an allowed host).
        await using var tls = new SslStream(new NetworkStream(socket), false, TestCertificates.Validate);
        var handshake = await Record.ExceptionAsync(() => tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "other.invalid" }));

        // Assert
        Assert.NotNull(handshake);
        Assert.Empty(origin.ServerNames);
        var refusal = Assert.Single(_refusals);
        Assert.Equal(new NetworkTarget(TestCertificates.ServerName, upstream.Port), refusal.Target);
        Assert.Contains("other.invalid", refusal.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false, "names no server")]
    [InlineData(TestCertificates.ServerName, true, "Encrypted Client Hello")]
    public async Task A_ClientHello_without_a_server_name_or_with_ECH_is_refused_and_nothing_reaches_the_origin(string? serverName, bool ech, string reason)
    {
        // Arrange
        var received = new ConcurrentQueue<int>();
        await using var upstream = new LoopbackUpstream(async (stream, token) => received.Enqueue(await stream.ReadAsync(new byte[64], token)));
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback), Options());
        using var socket = await proxy.ConnectAsync();
        await ConnectAsync(socket, $"{TestCertificates.ServerName}:{upstream.Port}");

        // Act
        await socket.SendAsync(TestClientHello.Build(serverName, ech));
        var after = await ProxyUnderTest.ReadToEndAsync(socket);

        // Assert: closed without a byte, the origin saw the connection end with nothing (read of 0), and it was reported.
        Assert.Empty(after);
        Assert.Contains(reason, Assert.Single(_refusals).Reason, StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => !received.IsEmpty);
        Assert.Equal([0], received);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("\u0080\u0031\u0001\u0003\u0001")]
    public async Task Bytes_that_are_not_a_TLS_handshake_are_refused_inside_a_tunnel(string bytes)
    {
        // Arrange
        await using var upstream = new LoopbackUpstream((_, _) => Task.CompletedTask);
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback), Options());
        using var socket = await proxy.ConnectAsync();
        await ConnectAsync(socket, $"{TestCertificates.ServerName}:{upstream.Port}");

        // Act
        await socket.SendAsync(Encoding.Latin1.GetBytes(bytes));

        // Assert
        Assert.Empty(await ProxyUnderTest.ReadToEndAsync(socket));
        Assert.Contains("not a TLS handshake record", Assert.Single(_refusals).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ClientHello_split_over_many_records_is_read_whole_and_forwarded_byte_for_byte()
    {
        // Arrange
        var hello = TestClientHello.Build(TestCertificates.ServerName.ToUpperInvariant() + ".", recordSize: 7, padding: 600);
        var received = new TaskCompletionSource<byte[]>();
        await using var upstream = new LoopbackUpstream(async (stream, token) =>
        {
            var buffer = new byte[hello.Length];
            await stream.ReadExactlyAsync(buffer, token);
            received.SetResult(buffer);
        });
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback), Options());
        using var socket = await proxy.ConnectAsync();
        await ConnectAsync(socket, $"{TestCertificates.ServerName}:{upstream.Port}");

        // Act: sent in pieces that cut through record headers.
        foreach (var piece in hello.Chunk(3))
        {
            await socket.SendAsync(piece);
        }

        // Assert
        Assert.Equal(hello, await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(_refusals);
    }

    [Fact]
    public async Task A_ClientHello_larger_than_the_bound_is_refused()
    {
        // Arrange
        await using var upstream = new LoopbackUpstream((_, _) => Task.CompletedTask);
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback), Options() with { MaxClientHelloBytes = 1_024 });
        using var socket = await proxy.ConnectAsync();
        await ConnectAsync(socket, $"{TestCertificates.ServerName}:{upstream.Port}");

        // Act
        await socket.SendAsync(TestClientHello.Build(TestCertificates.ServerName, padding: 2_000));

        // Assert
        Assert.Empty(await ProxyUnderTest.ReadToEndAsync(socket));
        Assert.Contains("longer than 1024 bytes", Assert.Single(_refusals).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_IP_literal_CONNECT_host_needs_no_server_name()
    {
        // Arrange
        var origin = new TlsOrigin();
        await using var upstream = new LoopbackUpstream(origin.ServeAsync);
        var gate = new FakeEgressGate(IPAddress.Loopback);
        await using var proxy = new ProxyUnderTest(gate, Options());
        using var client = ProxiedHttpClient.Create(proxy.SocketPath);

        // Act: .NET sends no server name for an IP literal.
        var body = await client.GetStringAsync($"https://127.0.0.1:{upstream.Port}/");

        // Assert
        Assert.Equal(TlsOrigin.Body, body);
        Assert.Equal([""], origin.ServerNames);
        Assert.Empty(_refusals);
    }

    [Fact]
    public async Task A_refused_CONNECT_is_answered_403_with_the_gates_message_and_nothing_is_dialled()
    {
        // Arrange
        await using var upstream = new LoopbackUpstream((_, _) => Task.CompletedTask);
        const string message = "AgentExec refused example.invalid:443; the human can allow it with --allow-domain example.invalid";
        var gate = new FakeEgressGate((_, _, _) => Task.FromResult(EgressPermit.Refuse(message)));
        await using var proxy = new ProxyUnderTest(gate);

        // Act
        var response = await proxy.ExchangeAsync($"CONNECT example.invalid:{upstream.Port} HTTP/1.1\r\nHost: example.invalid\r\n\r\n");

        // Assert
        Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + message + "\n", response, StringComparison.Ordinal);
        Assert.Equal(0, upstream.Accepted);
    }

    [Fact]
    public async Task A_gate_that_throws_is_a_refusal()
    {
        // Arrange
        await using var upstream = new LoopbackUpstream((_, _) => Task.CompletedTask);
        var gate = new FakeEgressGate((_, _, _) => throw new InvalidOperationException("boom"));
        await using var proxy = new ProxyUnderTest(gate);

        // Act
        var response = await proxy.ExchangeAsync($"CONNECT 127.0.0.1:{upstream.Port} HTTP/1.1\r\n\r\n");

        // Assert
        Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", response, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:" + upstream.Port, response, StringComparison.Ordinal);
        Assert.Equal(0, upstream.Accepted);
    }

    [Fact]
    public async Task A_destination_that_does_not_accept_is_a_502()
    {
        // Arrange: a port that was just free.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback));

        // Act
        var response = await proxy.ExchangeAsync($"CONNECT {TestCertificates.ServerName}:{port} HTTP/1.1\r\n\r\n");

        // Assert
        Assert.StartsWith("HTTP/1.1 502 Bad Gateway\r\n", response, StringComparison.Ordinal);
    }

    /// <summary>Sends CONNECT and reads the proxy's answer head.</summary>
    internal static async Task<string> ConnectAsync(Socket socket, string authority)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n"));
        var head = await ProxyUnderTest.ReadHeadAsync(socket);
        Assert.Equal("HTTP/1.1 200 Connection Established\r\n\r\n", head);
        return head;
    }

    private EgressProxyOptions Options() => EgressProxyOptions.Default with { OnProtocolRefusal = _refusals.Enqueue };
}
