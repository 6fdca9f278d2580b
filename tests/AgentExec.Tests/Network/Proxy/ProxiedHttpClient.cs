using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>
/// A real .NET <see cref="HttpClient"/> configured to use a proxy, whose connections to that proxy go to the egress
/// proxy's Unix socket: it speaks CONNECT for https and absolute-form requests for http, as any client would.
/// </summary>
internal static class ProxiedHttpClient
{
    public static HttpClient Create(string socketPath) => new(
        new SocketsHttpHandler
        {
            // A name that never resolves: the connect callback below is the only way to the proxy.
            Proxy = new WebProxy("http://egress-proxy.invalid:3128"),
            UseProxy = true,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = TestCertificates.Validate },
        })
    {
        Timeout = TimeSpan.FromSeconds(15),
    };
}
