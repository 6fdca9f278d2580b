using System.Buffers.Binary;

namespace AgentExec.Core.Network.Proxy;

/// <summary>Reads TLS presentation-language fields from a span, refusing any read past its end.</summary>
internal ref struct TlsReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _rest = data;

    /// <summary>True when every byte was read.</summary>
    public readonly bool AtEnd => _rest.IsEmpty;

    /// <summary>One byte.</summary>
    public byte Byte() => Take(1)[0];

    /// <summary>A big-endian 16-bit number.</summary>
    public ushort UInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    /// <summary>Skips <paramref name="count"/> bytes.</summary>
    public void Skip(int count) => Take(count);

    /// <summary>A vector with a <paramref name="lengthBytes"/>-byte length prefix of at most <paramref name="maxLength"/>.</summary>
    public ReadOnlySpan<byte> Vector(int lengthBytes, int maxLength)
    {
        var length = lengthBytes == 1 ? Byte() : UInt16();
        return length > maxLength
            ? throw new TlsClientHelloRefusedException("a ClientHello field is longer than allowed")
            : Take(length);
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _rest.Length)
        {
            throw new TlsClientHelloRefusedException("a ClientHello length runs past its end");
        }

        var taken = _rest[..count];
        _rest = _rest[count..];
        return taken;
    }
}
