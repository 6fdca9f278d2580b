using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Core.Network.Proxy;

/// <summary>The proxy's own answers: a status line, a short text body, <c>Connection: close</c>.</summary>
internal static class ProxyResponse
{
    /// <summary>The response bytes for <paramref name="status"/> with <paramref name="text"/> as its body.</summary>
    public static byte[] Format(int status, string text)
    {
        var body = Encoding.UTF8.GetBytes(text.EndsWith('\n') ? text : text + "\n");
        var head = string.Create(
            CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {Phrase(status)}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    /// <summary>Sends the response within <paramref name="timeout"/> and half-closes; errors are ignored (the client left).</summary>
    public static async Task SendAsync(Socket socket, int status, string text, TimeSpan timeout, CancellationToken stop)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stop);
        bounded.CancelAfter(timeout);
        try
        {
            await UpstreamDialer.SendAllAsync(socket, Format(status, text), bounded.Token);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone or does not read: it would not have seen the answer either way.
        }
    }

    private static string Phrase(int status) => status switch
    {
        400 => "Bad Request",
        403 => "Forbidden",
        408 => "Request Timeout",
        411 => "Length Required",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    };
}
