using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net;
using AgentExec.Core.Network.Proxy;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>
/// A TLS 1.3 HelloRetryRequest makes the client send a second ClientHello in the clear: the proxy holds it to the same
/// server name check as the first, so that it cannot name another site on the allowed address.
/// </summary>
public sealed class EgressProxyHelloRetryTests
{
    /// <summary>The dummy change_cipher_spec record a TLS 1.3 client may send before its second ClientHello.</summary>
    private static readonly byte[] DummyChangeCipherSpec = [0x14, 0x03, 0x03, 0x00, 0x01, 0x01];

    private readonly ConcurrentQueue<EgressProtocolRefusal> _refusals = new();

    [Fact]
    public async Task A_second_ClientHello_after_a_HelloRetryRequest_naming_another_host_is_refused_and_never_reaches_the_origin()
    {
        // Arrange: an origin that answers the first ClientHello with a HelloRetryRequest and records what follows.
        var first = TestClientHello.Build(TestCertificates.ServerName);
        var afterRetry = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = new LoopbackUpstream((stream, token) => RetryingOriginAsync(stream, first.Length, afterRetry, token));
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback), Options());
        using var socket = await proxy.ConnectAsync();
        await EgressProxyConnectTests.ConnectAsync(socket, $"{TestCertificates.ServerName}:{upstream.Port}");

        // Act: the first hello names the CONNECT host; the second, after the retry request, another site.
        await socket.SendAsync(first);
        var retry = await ReadExactlyAsync(socket, HelloRetryRequest.Length);
        await socket.SendAsync((byte[])[.. DummyChangeCipherSpec, .. TestClientHello.Build("other.invalid")]);
        var rest = await ProxyUnderTest.ReadToEndAsync(socket);

        // Assert: the retry request reached the client, the second hello never reached the origin, and it was reported.
        Assert.Equal(HelloRetryRequest, retry);
        Assert.Empty(rest);
        Assert.Empty(await afterRetry.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        var refusal = Assert.Single(_refusals);
        Assert.Contains("HelloRetryRequest", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("other.invalid", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_ClientHello_naming_the_CONNECT_host_is_forwarded_byte_for_byte_with_its_change_cipher_spec()
    {
        // Arrange
        var first = TestClientHello.Build(TestCertificates.ServerName);
        var second = (byte[])[.. DummyChangeCipherSpec, .. TestClientHello.Build(TestCertificates.ServerName, recordSize: 9)];
        var afterRetry = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = new LoopbackUpstream((stream, token) => RetryingOriginAsync(stream, first.Length, afterRetry, token));
        await using var proxy = new ProxyUnderTest(new FakeEgressGate(IPAddress.Loopback), Options());
        using var socket = await proxy.ConnectAsync();
        await EgressProxyConnectTests.ConnectAsync(socket, $"{TestCertificates.ServerName}:{upstream.Port}");

        // Act: the second flight in small pieces, cutting through the change_cipher_spec record too.
        await socket.SendAsync(first);
        await ReadExactlyAsync(socket, HelloRetryRequest.Length);
        foreach (var piece in second.Chunk(4))
        {
            await socket.SendAsync(piece);
        }

        socket.Shutdown(SocketShutdown.Send);

        // Assert
        Assert.Equal(second, await afterRetry.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(_refusals);
    }

    /// <summary>A TLS 1.3 HelloRetryRequest record: a ServerHello whose random is SHA-256("HelloRetryRequest").</summary>
    private static byte[] HelloRetryRequest { get; } = BuildHelloRetryRequest();

    private static byte[] BuildHelloRetryRequest()
    {
        byte[] body =
        [
            0x03, 0x03,
            .. Convert.FromHexString("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C"),
            0x00, // legacy_session_id_echo
            0x13, 0x01, // TLS_AES_128_GCM_SHA256
            0x00, // legacy_compression_method
            0x00, 0x06, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, // supported_versions: TLS 1.3
        ];
        byte[] message = [0x02, 0x00, (byte)(body.Length >> 8), (byte)body.Length, .. body];
        return [0x16, 0x03, 0x03, (byte)(message.Length >> 8), (byte)message.Length, .. message];
    }

    /// <summary>Reads the first ClientHello, answers with a HelloRetryRequest, then records every byte until the end.</summary>
    private static async Task RetryingOriginAsync(NetworkStream stream, int firstHelloLength, TaskCompletionSource<byte[]> afterRetry, CancellationToken token)
    {
        try
        {
            await stream.ReadExactlyAsync(new byte[firstHelloLength], token);
            await stream.WriteAsync(HelloRetryRequest, token);
            var rest = new MemoryStream();
            await stream.CopyToAsync(rest, token);
            afterRetry.TrySetResult(rest.ToArray());
        }
        catch (Exception exception)
        {
            afterRetry.TrySetException(exception);
            throw;
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var got = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            Assert.NotEqual(0, got);
            read += got;
        }

        return buffer;
    }

    private EgressProxyOptions Options() => EgressProxyOptions.Default with { OnProtocolRefusal = _refusals.Enqueue };
}
