using System.Buffers.Binary;
using System.Text;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// How the Native AOT binary that ships is laid out (src/AgentExec.Cli/AgentExec.Cli.csproj): linked at a fixed address,
/// with the runtime's type data stored ready to use, so that no start rebuilds or relocates it.
/// </summary>
/// <remarks>
/// The time that saves is a benchmark's to show (README "Performance"), the price SECURITY.md's "Binary hardening". These
/// tests show the layout reaches the binary that ships, which a build that silently fell back to the runtime's default
/// (a position-independent image that rebuilds 6 MB of type data at every start) would not.
/// </remarks>
public sealed class NativeAotBinaryTests
{
    private const ushort FixedAddressExecutable = 2; // ET_EXEC; a position-independent one is ET_DYN (3)

    [PublishedBinaryFact]
    public void It_is_linked_at_a_fixed_address()
    {
        var image = ReadPublishedBinary();

        Assert.Equal(FixedAddressExecutable, BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(16)));
    }

    [PublishedBinaryFact]
    public void Its_type_data_is_stored_ready_to_use_not_rebuilt_at_start()
    {
        var sections = SectionNames(ReadPublishedBinary());

        // The runtime rebuilds compressed type data into ".hydrated" at every start; a build without it has none.
        Assert.Contains(".data", sections);
        Assert.DoesNotContain(".hydrated", sections);
    }

    private static byte[] ReadPublishedBinary()
    {
        var binary = Path.GetFullPath(PublishedBinary.Path!);
        Assert.True(File.Exists(binary), $"{PublishedBinary.Variable} names {binary}, which does not exist");
        var image = File.ReadAllBytes(binary);
        Assert.True(image.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) && image[4] == 2 && image[5] == 1, $"{binary} is not a 64-bit little-endian ELF file");
        return image;
    }

    /// <summary>The names of an ELF64 file's sections, from its section header table and section name string table.</summary>
    private static List<string> SectionNames(byte[] image)
    {
        var headerTable = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(0x28)));
        var headerSize = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(0x3A));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(0x3C));
        var namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(0x3E));
        Span<byte> Header(int index) => image.AsSpan(headerTable + (index * headerSize), headerSize);
        var namesOffset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(Header(namesIndex)[0x18..]));

        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var name = image.AsSpan(namesOffset + (int)BinaryPrimitives.ReadUInt32LittleEndian(Header(i)));
            names.Add(Encoding.ASCII.GetString(name[..name.IndexOf((byte)0)]));
        }

        return names;
    }
}
