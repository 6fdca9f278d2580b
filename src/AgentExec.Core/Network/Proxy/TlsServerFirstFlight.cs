using System.Net.Sockets;

namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// Reads the start of a tunnel's first answer from the server, far enough to tell whether it is a TLS 1.3
/// HelloRetryRequest (RFC 8446 §4.1.3): a ServerHello whose random is the fixed HRR value.
/// </summary>
/// <remarks>
/// After a HelloRetryRequest the client sends a second ClientHello in the clear, and a server may act on its server
/// name as on the first one's. The proxy checks the first ClientHello's name against the CONNECT host; without looking
/// here, the second one would pass unread and could name another site on the same address (fronting), so the proxy
/// must know when a second ClientHello is due.
/// </remarks>
internal static class TlsServerFirstFlight
{
    /// <summary>Record header (5), handshake header (4), legacy_version (2), random (32).</summary>
    internal const int BytesToDecide = 5 + 4 + 2 + 32;

    private const byte HandshakeRecord = 0x16;
    private const byte ServerHelloMessage = 0x02;

    /// <summary>The ServerHello random that marks a HelloRetryRequest: SHA-256 of "HelloRetryRequest".</summary>
    private static readonly byte[] HelloRetryRandom = Convert.FromHexString("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    /// <summary>
    /// Reads from <paramref name="server"/> into <paramref name="buffer"/> until its first bytes tell whether they are a
    /// HelloRetryRequest, the server closes, or they are not a TLS handshake record at all.
    /// </summary>
    /// <returns>How many bytes were read (all to pass to the client), and whether the server has closed.</returns>
    /// <exception cref="TlsClientHelloRefusedException">The answer did not come within <paramref name="deadline"/>.</exception>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public static async Task<(int Received, bool Closed)> ReadAsync(Socket server, Memory<byte> buffer, TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        var received = 0;
        while (received < BytesToDecide && (received == 0 || buffer.Span[0] == HandshakeRecord))
        {
            int read;
            try
            {
                read = await server.ReceiveAsync(buffer[received..], SocketFlags.None, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TlsClientHelloRefusedException("the server did not answer the ClientHello in time");
            }

            if (read == 0)
            {
                return (received, true);
            }

            received += read;
        }

        return (received, false);
    }

    /// <summary>
    /// Whether <paramref name="firstBytes"/> (at least <see cref="BytesToDecide"/> of them, or not a handshake record)
    /// start with a HelloRetryRequest.
    /// </summary>
    /// <exception cref="TlsClientHelloRefusedException">
    /// A handshake record too short to hold a ServerHello's random: it cannot be told from a fragmented HelloRetryRequest.
    /// </exception>
    public static bool IsHelloRetryRequest(ReadOnlySpan<byte> firstBytes)
    {
        if (firstBytes.IsEmpty || firstBytes[0] != HandshakeRecord)
        {
            // An alert, or a server that is not TLS: no second ClientHello can be due.
            return false;
        }

        if (firstBytes.Length < BytesToDecide || ((firstBytes[3] << 8) | firstBytes[4]) < BytesToDecide - 5)
        {
            // The stricter reading: a real server sends its ServerHello in one record; a fragment could hide an HRR.
            throw new TlsClientHelloRefusedException("the server's first TLS record is too short to hold a ServerHello");
        }

        return firstBytes[5] == ServerHelloMessage && firstBytes.Slice(11, 32).SequenceEqual(HelloRetryRandom);
    }
}
