using System.Buffers.Binary;
using System.Text;

namespace AgentExec.Tests.Network.Proxy;

/// <summary>Hand-made TLS 1.3 ClientHello records, for shapes a real TLS client will not produce (no SNI with a name, ECH).</summary>
internal static class TestClientHello
{
    /// <summary>The records of a ClientHello naming <paramref name="serverName"/> (none when null), split every <paramref name="recordSize"/> bytes.</summary>
    public static byte[] Build(string? serverName, bool encryptedClientHello = false, int recordSize = 16_384, int padding = 0)
    {
        var extensions = new List<byte>();
        if (serverName is not null)
        {
            var name = Encoding.ASCII.GetBytes(serverName);
            var entry = new List<byte> { 0 };
            entry.AddRange(U16(name.Length));
            entry.AddRange(name);
            var list = U16(entry.Count).Concat(entry).ToList();
            extensions.AddRange(Extension(0x0000, [.. list]));
        }

        extensions.AddRange(Extension(0x002b, [2, 3, 4]));
        if (encryptedClientHello)
        {
            extensions.AddRange(Extension(0xfe0d, [0, 0, 1, 0, 1, 7, 0, 0, 0, 0]));
        }

        if (padding > 0)
        {
            extensions.AddRange(Extension(0x0015, new byte[padding]));
        }

        var body = new List<byte> { 3, 3 };
        body.AddRange(new byte[32]);
        body.Add(0);
        body.AddRange([0, 2, 0x13, 0x01]);
        body.AddRange([1, 0]);
        body.AddRange(U16(extensions.Count));
        body.AddRange(extensions);

        var message = new List<byte> { 1, (byte)(body.Count >> 16), (byte)(body.Count >> 8), (byte)body.Count };
        message.AddRange(body);
        var records = new List<byte>();
        foreach (var fragment in message.Chunk(recordSize))
        {
            records.AddRange([0x16, 3, 1]);
            records.AddRange(U16(fragment.Length));
            records.AddRange(fragment);
        }

        return [.. records];
    }

    private static byte[] Extension(int type, byte[] data) => [.. U16(type), .. U16(data.Length), .. data];

    private static byte[] U16(int value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)value);
        return bytes;
    }
}
