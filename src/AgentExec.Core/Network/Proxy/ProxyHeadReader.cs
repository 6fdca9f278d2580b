using System.Net.Sockets;

namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// Reads from a socket until the blank line that ends an HTTP head, within a byte bound and a deadline, and returns
/// how long the head is and how many bytes arrived in all (the rest belong to what follows the head).
/// </summary>
internal static class ProxyHeadReader
{
    /// <summary>Reads a head into <paramref name="buffer"/>, at most <paramref name="maxBytes"/> of it.</summary>
    /// <returns>The head's length (through CRLF CRLF) and the bytes received, which may run past the head.</returns>
    /// <exception cref="ProxyRequestRejectedException">
    /// 400 when the peer closes first or sends a bare LF; 408 when the deadline passes; 431 when the head does not fit.
    /// </exception>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public static async Task<(int HeadLength, int Received)> ReadAsync(
        Socket socket, byte[] buffer, int maxBytes, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var limit = Math.Min(maxBytes, buffer.Length);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        var received = 0;
        var scanned = 0;
        while (true)
        {
            if (received == limit)
            {
                throw new ProxyRequestRejectedException(431, $"the request head is longer than {maxBytes} bytes");
            }

            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer.AsMemory(received, limit - received), SocketFlags.None, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ProxyRequestRejectedException(408, "the request head did not arrive in time");
            }

            if (read == 0)
            {
                throw new ProxyRequestRejectedException(400, "the client closed the connection before the end of the request head");
            }

            received += read;
            for (; scanned < received; scanned++)
            {
                // A bare LF is refused as soon as it arrives: a client that ends lines with LF alone would otherwise
                // wait for a CRLF CRLF that never comes and hold the slot until the deadline.
                if (buffer[scanned] == '\n' && (scanned == 0 || buffer[scanned - 1] != '\r'))
                {
                    throw new ProxyRequestRejectedException(400, "a line ends without CRLF (a bare LF)");
                }

                if (buffer[scanned] == '\n' && scanned >= 3 && buffer[scanned - 2] == '\n' && buffer[scanned - 3] == '\r')
                {
                    return (scanned + 1, received);
                }
            }
        }
    }
}
