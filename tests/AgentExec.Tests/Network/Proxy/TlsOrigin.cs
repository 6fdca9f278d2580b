using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>
/// The TLS destination: completes a handshake with <see cref="TestCertificates.Server"/>, records the server name the
/// client sent, reads one HTTP request head and answers <c>200</c> with the body <c>hello over tls</c>.
/// </summary>
internal sealed class TlsOrigin
{
    public const string Body = "hello over tls";

    /// <summary>The server names seen in completed handshakes ("" for none).</summary>
    public ConcurrentQueue<string> ServerNames { get; } = new();

    public async Task ServeAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        await using var tls = new SslStream(stream);
        await tls.AuthenticateAsServerAsync(
            new SslServerAuthenticationOptions
            {
                ServerCertificateSelectionCallback = (_, name) =>
                {
                    ServerNames.Enqueue(name ?? "");
                    return TestCertificates.Server;
                },
            },
            cancellationToken);
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await tls.ReadAsync(one, cancellationToken) == 1)
        {
            head.Append((char)one[0]);
        }

        await tls.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}"), cancellationToken);
        await tls.ShutdownAsync();
    }
}
