using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// Reads a tunnel's first TLS handshake message from the client, however many records it spans, up to a bound, and
/// parses the ClientHello (RFC 8446 §4.1.2) exactly: every length must add up, no extension may repeat.
/// </summary>
/// <remarks>
/// Anything that is not a TLS handshake record (an SSLv2 hello, plain HTTP, random bytes), a message that is not a
/// ClientHello, or a ClientHello that runs past the bound is refused: the server name check is only worth something
/// when the proxy reads the same message the server will.
/// </remarks>
internal static class TlsClientHelloReader
{
    private const byte HandshakeRecord = 0x16;
    private const byte ChangeCipherSpecRecord = 0x14;
    private const byte ClientHelloMessage = 0x01;
    private const int RecordHeaderLength = 5;
    private const int MaxRecordLength = 1 << 14;
    private const ushort ServerNameExtension = 0x0000;
    private const ushort EncryptedClientHelloExtension = 0xfe0d;
    private const ushort EncryptedServerNameDraftExtension = 0xffce;

    /// <summary>The dummy <c>change_cipher_spec</c> record of TLS 1.3's middlebox compatibility mode (RFC 8446 §D.4).</summary>
    private static readonly byte[] DummyChangeCipherSpec = [ChangeCipherSpecRecord, 0x03, 0x03, 0x00, 0x01, 0x01];

    /// <summary>
    /// Reads until <paramref name="buffer"/> holds the whole ClientHello. The first <paramref name="alreadyReceived"/>
    /// bytes of the buffer are what the client sent right after its CONNECT head.
    /// </summary>
    /// <param name="socket">The client.</param>
    /// <param name="buffer">Where the records are gathered.</param>
    /// <param name="alreadyReceived">How many bytes of <paramref name="buffer"/> arrived already.</param>
    /// <param name="maxBytes">The bound on the records.</param>
    /// <param name="deadline">How long the whole message may take.</param>
    /// <param name="cancellationToken">Ends the read.</param>
    /// <param name="afterHelloRetry">
    /// True for the second ClientHello, after the server's HelloRetryRequest: one dummy <c>change_cipher_spec</c> record
    /// (RFC 8446 §D.4, middlebox compatibility) may come before it, and is forwarded with it.
    /// </param>
    /// <returns>The ClientHello and how many bytes of <paramref name="buffer"/> hold client data (all to forward).</returns>
    /// <exception cref="TlsClientHelloRefusedException">For anything but a readable ClientHello within the bounds.</exception>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public static async Task<(TlsClientHello Hello, int Received)> ReadAsync(
        Socket socket, byte[] buffer, int alreadyReceived, int maxBytes, TimeSpan deadline, CancellationToken cancellationToken, bool afterHelloRetry = false)
    {
        var limit = Math.Min(maxBytes, buffer.Length);
        if (alreadyReceived > limit)
        {
            throw new TlsClientHelloRefusedException($"the ClientHello is longer than {maxBytes} bytes");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        var received = alreadyReceived;
        while (true)
        {
            if (TryAssemble(buffer.AsSpan(0, received), maxBytes, afterHelloRetry) is { } message)
            {
                return (Parse(message), received);
            }

            if (received == limit)
            {
                throw new TlsClientHelloRefusedException($"the ClientHello is longer than {maxBytes} bytes");
            }

            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer.AsMemory(received, limit - received), SocketFlags.None, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TlsClientHelloRefusedException("the ClientHello did not arrive in time");
            }

            if (read == 0)
            {
                throw new TlsClientHelloRefusedException("the client closed the tunnel before a whole ClientHello");
            }

            received += read;
        }
    }

    /// <summary>
    /// The handshake message once the records in <paramref name="data"/> hold all of it; null while more is needed.
    /// </summary>
    /// <exception cref="TlsClientHelloRefusedException">When what arrived already cannot be a ClientHello.</exception>
    internal static byte[]? TryAssemble(ReadOnlySpan<byte> data, int maxBytes, bool afterHelloRetry = false)
    {
        var message = new List<byte>();
        var offset = 0;
        if (afterHelloRetry && data.Length > 0 && data[0] == ChangeCipherSpecRecord)
        {
            // Exactly the dummy record a TLS 1.3 client may send here, byte for byte; anything else is not it.
            var known = Math.Min(data.Length, DummyChangeCipherSpec.Length);
            if (!data[..known].SequenceEqual(DummyChangeCipherSpec.AsSpan(0, known)))
            {
                throw new TlsClientHelloRefusedException("a change_cipher_spec record before the second ClientHello is not the dummy one");
            }

            if (data.Length <= DummyChangeCipherSpec.Length)
            {
                return null;
            }

            offset = DummyChangeCipherSpec.Length;
        }

        while (offset < data.Length)
        {
            var record = data[offset..];
            // Judge each header byte as soon as it arrives, so plain HTTP or an SSLv2 hello is refused at once.
            if (record[0] != HandshakeRecord)
            {
                throw new TlsClientHelloRefusedException("the tunnel's first bytes are not a TLS handshake record");
            }

            if (record.Length >= 2 && record[1] != 0x03)
            {
                throw new TlsClientHelloRefusedException("the TLS record version is not 3.x");
            }

            if (record.Length < RecordHeaderLength)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(record[3..]);
            if (length is 0 or > MaxRecordLength)
            {
                throw new TlsClientHelloRefusedException("a TLS record has a length of 0 or over 16384");
            }

            if (record.Length < RecordHeaderLength + length)
            {
                return null;
            }

            message.AddRange(record.Slice(RecordHeaderLength, length));
            offset += RecordHeaderLength + length;
            if (message.Count < 4)
            {
                continue;
            }

            if (message[0] != ClientHelloMessage)
            {
                throw new TlsClientHelloRefusedException("the first TLS handshake message is not a ClientHello");
            }

            var messageLength = 4 + ((message[1] << 16) | (message[2] << 8) | message[3]);
            if (messageLength > maxBytes)
            {
                throw new TlsClientHelloRefusedException($"the ClientHello is longer than {maxBytes} bytes");
            }

            if (message.Count == messageLength)
            {
                return [.. message];
            }

            if (message.Count > messageLength)
            {
                // The first flight is the ClientHello alone; another handshake message in the same record is not one.
                throw new TlsClientHelloRefusedException("the ClientHello's records carry more than the ClientHello");
            }
        }

        return null;
    }

    /// <summary>Parses a whole ClientHello handshake message (its 4-byte header included).</summary>
    /// <exception cref="TlsClientHelloRefusedException">When a length does not add up or a field is out of shape.</exception>
    internal static TlsClientHello Parse(ReadOnlySpan<byte> message)
    {
        var reader = new TlsReader(message[4..]);
        reader.Skip(2 + 32); // legacy_version, random
        reader.Vector(1, maxLength: 32);
        var cipherSuites = reader.Vector(2, maxLength: 0xFFFE);
        if (cipherSuites.Length is 0 || cipherSuites.Length % 2 != 0)
        {
            throw new TlsClientHelloRefusedException("the ClientHello's cipher suites are empty or odd");
        }

        if (reader.Vector(1, maxLength: 255).Length == 0)
        {
            throw new TlsClientHelloRefusedException("the ClientHello has no compression method");
        }

        if (reader.AtEnd)
        {
            return new TlsClientHello(null, false);
        }

        var extensions = new TlsReader(reader.Vector(2, maxLength: 0xFFFF));
        if (!reader.AtEnd)
        {
            throw new TlsClientHelloRefusedException("bytes follow the ClientHello's extensions");
        }

        var seen = new HashSet<ushort>();
        string? serverName = null;
        var offersEch = false;
        while (!extensions.AtEnd)
        {
            var type = extensions.UInt16();
            var data = extensions.Vector(2, maxLength: 0xFFFF);
            if (!seen.Add(type))
            {
                throw new TlsClientHelloRefusedException($"the ClientHello repeats extension {type}");
            }

            switch (type)
            {
                case ServerNameExtension:
                    serverName = ReadServerName(data);
                    break;
                case EncryptedClientHelloExtension or EncryptedServerNameDraftExtension:
                    offersEch = true;
                    break;
            }
        }

        return new TlsClientHello(serverName, offersEch);
    }

    /// <summary>The one host_name of a server_name extension (RFC 6066 §3); any other shape is refused.</summary>
    private static string ReadServerName(ReadOnlySpan<byte> data)
    {
        var extension = new TlsReader(data);
        var list = new TlsReader(extension.Vector(2, maxLength: 0xFFFF));
        if (!extension.AtEnd || list.AtEnd)
        {
            throw new TlsClientHelloRefusedException("the server_name extension is out of shape");
        }

        var nameType = list.Byte();
        var name = list.Vector(2, maxLength: 255);
        if (nameType != 0 || !list.AtEnd)
        {
            throw new TlsClientHelloRefusedException("the server_name extension holds something other than one host name");
        }

        if (name.IsEmpty || name.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E))
        {
            throw new TlsClientHelloRefusedException("the server name is empty or not printable ASCII");
        }

        return Encoding.ASCII.GetString(name);
    }
}
