using System.Net.Sockets;
using System.Net;
using System.Text;
using AgentExec.Core.Network;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>Plain-HTTP forwarding: decided per request by its Host, one request per connection, strictly framed.</summary>
public sealed class EgressProxyPlainHttpTests
{
    [Fact]
    public async Task A_plain_HTTP_request_is_decided_by_its_host_and_forwarded_in_origin_form()
    {
        // Arrange
        var origin = new RecordingHttpOrigin();
        await using var upstream = new LoopbackUpstream(origin.ServeAsync);
        var gate = new FakeEgressGate(IPAddress.Loopback);
        await using var proxy = new ProxyUnderTest(gate);
        using var client = ProxiedHttpClient.Create(proxy.SocketPath);

        // Act
        var body = await client.GetStringAsync($"http://plain.invalid:{upstream.Port}/a/b?c=d");

        // Assert
        Assert.Equal(RecordingHttpOrigin.Body, body);
        Assert.Equal([(new NetworkTarget("plain.invalid", upstream.Port), EgressRequestKind.PlainHttp)], gate.Asked);
        await Eventually.HoldsAsync(() => !origin.Received.IsEmpty);
        Assert.StartsWith($"GET /a/b?c=d HTTP/1.1\r\nHost: plain.invalid:{upstream.Port}\r\n", Assert.Single(origin.Received), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hop_by_hop_and_proxy_headers_are_dropped_and_the_connection_closes()
    {
        // Arrange
        var origin = new RecordingHttpOrigin();
        await using var upstream = new LoopbackUpstream(origin.ServeAsync);
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback));

        // Act
        var response = await proxy.ExchangeAsync(
            $"POST http://Plain.Invalid.:{upstream.Port} HTTP/1.1\r\nHost: plain.invalid:{upstream.Port}\r\nProxy-Authorization: Basic c2VjcmV0\r\n"
            + "Proxy-Connection: keep-alive\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: 5\r\nUpgrade: h2c\r\n"
            + "Accept: */*\r\nContent-Length: 005\r\n\r\nhello");

        // Assert
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => !origin.Received.IsEmpty);
        Assert.Equal(
            $"POST / HTTP/1.1\r\nHost: plain.invalid:{upstream.Port}\r\nAccept: */*\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
            Assert.Single(origin.Received));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_second_request_after_the_first_ones_body_is_never_forwarded(bool sameWrite)
    {
        // Arrange
        var origin = new RecordingHttpOrigin();
        await using var upstream = new LoopbackUpstream(origin.ServeAsync);
        var gate = new FakeEgressGate(IPAddress.Loopback);
        await using var proxy = new ProxyUnderTest(gate);
        using var socket = await proxy.ConnectAsync();
        var first = $"POST http://allowed.invalid:{upstream.Port}/ HTTP/1.1\r\nHost: allowed.invalid:{upstream.Port}\r\nContent-Length: 5\r\n\r\nhello";
        var second = $"GET http://other.invalid:{upstream.Port}/steal HTTP/1.1\r\nHost: other.invalid:{upstream.Port}\r\n\r\n";

        // Act
        if (sameWrite)
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(first + second));
        }
        else
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(first));
            await socket.SendAsync(Encoding.ASCII.GetBytes(second));
        }

        var response = Encoding.ASCII.GetString(await ProxyUnderTest.ReadToEndAsync(socket));

        // Assert: one answer, one decision, and the origin got exactly the first request.
        Assert.Equal(1, CountOf(response, "HTTP/1.1 "));
        Assert.Equal([(new NetworkTarget("allowed.invalid", upstream.Port), EgressRequestKind.PlainHttp)], gate.Asked);
        await Eventually.HoldsAsync(() => !origin.Received.IsEmpty);
        var received = Assert.Single(origin.Received);
        Assert.EndsWith("\r\n\r\nhello", received, StringComparison.Ordinal);
        Assert.DoesNotContain("steal", received, StringComparison.Ordinal);
        Assert.Equal(1, upstream.Accepted);
    }

    [Fact]
    public async Task A_refused_request_is_answered_403_with_the_gates_message()
    {
        // Arrange
        await using var upstream = new LoopbackUpstream((_, _) => Task.CompletedTask);
        const string message = "AgentExec refused plain.invalid:80; allow it with --allow-domain plain.invalid";
        await using var proxy = new ProxyUnderTest(new FakeEgressGate((_, _, _) => Task.FromResult(EgressPermit.Refuse(message))));
        using var client = ProxiedHttpClient.Create(proxy.SocketPath);

        // Act
        using var response = await client.GetAsync("http://plain.invalid/");

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(message + "\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, upstream.Accepted);
    }

    [Theory]
    [InlineData("GET http://h.invalid/ HTTP/1.1\nHost: h.invalid\n\n", 400)]
    [InlineData("GET http://h.invalid/ HTTP/1.1\r\nHost: h.invalid\rX: y\r\n\r\n", 400)]
    [InlineData("GET http://h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\nX-A: 1\r\n folded\r\n\r\n", 400)]
    [InlineData("GET http://h.invalid/ HTTP/1.1\r\nHost : h.invalid\r\n\r\n", 400)]
    [InlineData("GET http://h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\nX-A: a\u0000b\r\n\r\n", 400)]
    [InlineData("GET  http://h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\n\r\n", 400)]
    [InlineData("GET http://h.invalid/ HTTP/2.0\r\nHost: h.invalid\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: h.invalid\r\n\r\n", 400)]
    [InlineData("GET https://h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\n\r\n", 400)]
    [InlineData("GET http://user@h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\n\r\n", 400)]
    [InlineData("GET http://h.invalid/ HTTP/1.1\r\n\r\n", 400)]
    [InlineData("GET http://h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\nHost: h.invalid\r\n\r\n", 400)]
    [InlineData("GET http://h.invalid/ HTTP/1.1\r\nHost: other.invalid\r\n\r\n", 400)]
    [InlineData("GET http://h.invalid/ HTTP/1.1\r\nHost: h.invalid:8080\r\n\r\n", 400)]
    [InlineData("POST http://h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501)]
    [InlineData("POST http://h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 400)]
    [InlineData("POST http://h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\nContent-Length: 1, 1\r\n\r\nx", 400)]
    [InlineData("POST http://h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\nContent-Length: +1\r\n\r\nx", 400)]
    [InlineData("POST http://h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\nConnection: Content-Length\r\nContent-Length: 1\r\n\r\nx", 400)]
    [InlineData("GET http://h.invalid:0/ HTTP/1.1\r\nHost: h.invalid:0\r\n\r\n", 400)]
    [InlineData("GET http://h.invalid:99999/ HTTP/1.1\r\nHost: h.invalid:99999\r\n\r\n", 400)]
    [InlineData("GET http://h.invalid/#frag HTTP/1.1\r\nHost: h.invalid\r\n\r\n", 400)]
    [InlineData("GET http://h%2einvalid/ HTTP/1.1\r\nHost: h%2einvalid\r\n\r\n", 400)]
    [InlineData("GET http://::1/ HTTP/1.1\r\nHost: ::1\r\n\r\n", 400)]
    [InlineData("CONNECT h.invalid HTTP/1.1\r\n\r\n", 400)]
    [InlineData("CONNECT h.invalid: HTTP/1.1\r\n\r\n", 400)]
    [InlineData("CONNECT [::1 HTTP/1.1\r\n\r\n", 400)]
    [InlineData("CONNECT 999.1.1.1:443 HTTP/1.1\r\n\r\n", 400)]
    [InlineData("\r\n\r\n", 400)]
    public async Task A_malformed_request_is_answered_with_an_error_and_never_decided(string request, int status)
    {
        // Arrange
        var gate = new FakeEgressGate(IPAddress.Loopback);
        await using var proxy = new ProxyUnderTest(gate);

        // Act
        var response = await proxy.ExchangeAsync(request);

        // Assert
        Assert.StartsWith($"HTTP/1.1 {status} ", response, StringComparison.Ordinal);
        Assert.Empty(gate.Asked);
    }

    [Fact]
    public async Task A_request_head_over_the_bound_is_a_431()
    {
        // Arrange
        var gate = new FakeEgressGate(IPAddress.Loopback);
        await using var proxy = new ProxyUnderTest(gate);

        // Act
        var response = await proxy.ExchangeAsync($"GET http://h.invalid/ HTTP/1.1\r\nHost: h.invalid\r\nX-Big: {new string('a', 17_000)}\r\n\r\n");

        // Assert
        Assert.StartsWith("HTTP/1.1 431 ", response, StringComparison.Ordinal);
        Assert.Empty(gate.Asked);
    }

    [Fact]
    public async Task Each_plain_HTTP_request_is_decided_on_its_own()
    {
        // Arrange: the gate allows one host and refuses the other, on the same origin.
        var origin = new RecordingHttpOrigin();
        await using var upstream = new LoopbackUpstream(origin.ServeAsync);
        var gate = new FakeEgressGate((target, _, _) => Task.FromResult(target.Host == "good.invalid"
            ? EgressPermit.Allow([IPAddress.Loopback])
            : EgressPermit.Refuse($"refused {target}")));
        await using var proxy = new ProxyUnderTest(gate);
        using var client = ProxiedHttpClient.Create(proxy.SocketPath);

        // Act
        var good = await client.GetAsync($"http://good.invalid:{upstream.Port}/");
        var bad = await client.GetAsync($"http://bad.invalid:{upstream.Port}/");
        var goodAgain = await client.GetAsync($"http://good.invalid:{upstream.Port}/");

        // Assert
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.OK], [good.StatusCode, bad.StatusCode, goodAgain.StatusCode]);
        Assert.Equal(["good.invalid", "bad.invalid", "good.invalid"], gate.Asked.Select(asked => asked.Target.Host));
        Assert.Equal(2, upstream.Accepted);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
