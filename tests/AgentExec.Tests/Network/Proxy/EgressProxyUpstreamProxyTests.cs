using System.Net;
using AgentExec.Core.Network.Proxy;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>Chaining to the user's upstream proxy: it is asked for the checked address, never the name.</summary>
public sealed class EgressProxyUpstreamProxyTests
{
    [Fact]
    public async Task A_tunnel_goes_through_the_upstream_proxy_to_the_checked_address()
    {
        // Arrange
        var origin = new TlsOrigin();
        await using var destination = new LoopbackUpstream(origin.ServeAsync);
        var chained = new ChainedUpstreamProxy();
        await using var upstreamProxy = new LoopbackUpstream(chained.ServeAsync);
        var options = EgressProxyOptions.Default with { UpstreamProxy = new Uri($"http://127.0.0.1:{upstreamProxy.Port}") };
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback), options);
        using var client = ProxiedHttpClient.Create(proxy.SocketPath);

        // Act
        var body = await client.GetStringAsync($"https://{TestCertificates.ServerName}:{destination.Port}/");

        // Assert
        Assert.Equal(TlsOrigin.Body, body);
        Assert.Equal([$"CONNECT 127.0.0.1:{destination.Port} HTTP/1.1"], chained.RequestLines);
        Assert.Equal([TestCertificates.ServerName], origin.ServerNames);
    }

    [Fact]
    public async Task A_plain_HTTP_request_goes_through_the_upstream_proxy_as_a_tunnel_to_the_checked_address()
    {
        // Arrange
        var origin = new RecordingHttpOrigin();
        await using var destination = new LoopbackUpstream(origin.ServeAsync);
        var chained = new ChainedUpstreamProxy();
        await using var upstreamProxy = new LoopbackUpstream(chained.ServeAsync);
        var options = EgressProxyOptions.Default with { UpstreamProxy = new Uri($"http://localhost:{upstreamProxy.Port}") };
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback), options);
        using var client = ProxiedHttpClient.Create(proxy.SocketPath);

        // Act
        var body = await client.GetStringAsync($"http://plain.invalid:{destination.Port}/x");

        // Assert
        Assert.Equal(RecordingHttpOrigin.Body, body);
        Assert.Equal([$"CONNECT 127.0.0.1:{destination.Port} HTTP/1.1"], chained.RequestLines);
        await Eventually.HoldsAsync(() => !origin.Received.IsEmpty);
        Assert.StartsWith($"GET /x HTTP/1.1\r\nHost: plain.invalid:{destination.Port}\r\n", Assert.Single(origin.Received), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upstream_proxy_that_refuses_the_tunnel_is_a_502()
    {
        // Arrange: an upstream proxy that answers 403 to everything.
        await using var upstreamProxy = new LoopbackUpstream(async (stream, token) =>
        {
            await stream.ReadAtLeastAsync(new byte[4096], 1, throwOnEndOfStream: false, token);
            await stream.WriteAsync("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), token);
        });
        var options = EgressProxyOptions.Default with { UpstreamProxy = new Uri($"http://127.0.0.1:{upstreamProxy.Port}") };
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback), options);

        // Act
        var response = await proxy.ExchangeAsync($"CONNECT {TestCertificates.ServerName}:443 HTTP/1.1\r\n\r\n");

        // Assert
        Assert.StartsWith("HTTP/1.1 502 ", response, StringComparison.Ordinal);
    }
}
