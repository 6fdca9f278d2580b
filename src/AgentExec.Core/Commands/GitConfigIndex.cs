using System.Buffers.Binary;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Commands;

/// <summary>
/// Reads the submodule entries (gitlinks) of a repository's index, because <c>git status</c> and
/// <c>git diff</c> run git inside every populated one and that git reads the submodule's own configuration.
/// </summary>
/// <remarks>
/// Index formats 2, 3 and 4 (prefix-compressed paths) are read, and a split index's shared file as well;
/// anything else is refused (<see cref="InvalidDataException"/>) so the caller fails closed.
/// </remarks>
internal static class GitConfigIndex
{
    /// <summary>Indexes larger than this are refused rather than read.</summary>
    public const long MaximumBytes = 256L * 1024 * 1024;

    private const uint GitlinkMode = 0xE000;
    private const int StatBytes = 40;

    // A large repository's index is megabytes long: its gitlinks are remembered with the bytes they were read from and
    // used again only for the same bytes, so what a check of an unchanged index costs is reading it, not parsing it. The
    // agent can write the index (unsandboxed, or where .git is not protected): no stamp of the file's metadata is
    // trusted to say it is unchanged (ContentMemory says why).
    private static readonly ContentMemory<(string Path, int HashBytes), string[]> Cache = new(maximumFileBytes: 16 * 1024 * 1024, budgetBytes: 32 * 1024 * 1024);
    private const int NameLengthMask = 0xFFF;

    /// <summary>
    /// The paths of the gitlinks in the index at <paramref name="indexPath"/> (none when it does not exist),
    /// for a repository whose object names are <paramref name="hashBytes"/> long.
    /// </summary>
    /// <exception cref="InvalidDataException">The index is not one this reader knows, or is over the bound.</exception>
    /// <exception cref="IOException">The index cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The index cannot be read.</exception>
    public static IReadOnlyList<string> Gitlinks(string indexPath, int hashBytes)
    {
        if (!File.Exists(indexPath))
        {
            return []; // No index, or a directory in its place (git cannot read one either): no gitlinks.
        }

        var gitlinks = new List<string>();
        if (GitConfigFileBytes.ReadIfExists(indexPath, MaximumBytes) is not { } index)
        {
            return gitlinks;
        }

        var key = (indexPath, hashBytes);
        if (Cache.TryRecall(key, index, out var cached))
        {
            return cached;
        }

        var sharedIndex = Read(index, hashBytes, gitlinks);
        if (sharedIndex is not null)
        {
            // The split index's own entries only override the shared ones: the union is the stricter reading.
            var sharedPath = Path.Join(Path.GetDirectoryName(indexPath), "sharedindex." + sharedIndex);
            var shared = GitConfigFileBytes.ReadIfExists(sharedPath, MaximumBytes) ?? throw new InvalidDataException("a split index whose shared index is missing");
            if (Read(shared, hashBytes, gitlinks) is not null)
            {
                throw new InvalidDataException("a shared index that is split again");
            }

            return gitlinks; // Not cached: its answer depends on a second file.
        }

        Cache.Remember(key, index, [.. gitlinks]);
        return gitlinks;
    }

    // Adds the gitlinks of one index file and returns the name of its shared index when it is split.
    private static string? Read(byte[] data, int hashBytes, List<string> gitlinks)
    {
        if (data.Length < 12 + hashBytes || !data.AsSpan(0, 4).SequenceEqual("DIRC"u8))
        {
            throw new InvalidDataException("an index without the DIRC signature");
        }

        // git looks for an end-of-index-entries extension at a fixed place before the checksum, whatever precedes it,
        // and when it finds one may read the extensions from the offset it gives and the entries in blocks (on several
        // threads): two attacks hid a split index's link, and a gitlink, from this reading in order that way.
        var endOfEntries = data.Length - hashBytes - (8 + 4 + hashBytes);
        if (endOfEntries >= 12 && data.AsSpan(endOfEntries, 4).SequenceEqual("EOIE"u8))
        {
            throw new InvalidDataException("an index that git may read out of order (EOIE)");
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4));
        if (version is < 2 or > 4)
        {
            throw new InvalidDataException($"an index of version {version}");
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(8));
        var end = data.Length - hashBytes;
        var offset = 12;

        // Format 4 stores each path as a suffix of the previous one; only that format needs the previous path.
        var previous = version == 4 ? new byte[256] : [];
        var previousLength = 0;
        for (var i = 0u; i < count; i++)
        {
            var entryStart = offset;
            Need(offset, StatBytes + hashBytes + 2, end);
            var isGitlink = (BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset + 24)) & 0xF000) == GitlinkMode;
            var flags = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset + StatBytes + hashBytes));
            offset += StatBytes + hashBytes + 2;
            // Like git, whatever the version: an index of version 2 with the extended flag set still has the two bytes (an
            // attack hid a gitlink's name behind them, read as part of it).
            if ((flags & 0x4000) != 0)
            {
                Need(offset, 2, end);
                offset += 2;
            }

            if (version == 4)
            {
                var strip = ReadVarint(data, ref offset, end);
                if (strip > previousLength)
                {
                    throw new InvalidDataException("an index path that strips more than the previous one");
                }

                // Like git (create_from_disk): the whole name's length is in the flags, the part after the kept prefix
                // is that long, and only a length too long for the flags is found by the NUL. Ending the part at the first
                // NUL instead let an attack make this reading take a phantom entry where git reads a gitlink.
                var kept = previousLength - (int)strip;
                var flagged = flags & NameLengthMask;
                if (flagged != NameLengthMask && flagged < kept)
                {
                    throw new InvalidDataException("an index path shorter than the prefix it keeps");
                }

                var suffixEnd = flagged == NameLengthMask ? Terminator(data, offset, end) : offset + (flagged - kept);
                Need(suffixEnd, 1, end);
                var length = kept + (suffixEnd - offset);
                if (length > previous.Length)
                {
                    Array.Resize(ref previous, Math.Max(length, previous.Length * 2));
                }

                data.AsSpan(offset, suffixEnd - offset).CopyTo(previous.AsSpan(kept));
                previousLength = length;
                offset = suffixEnd + 1;
                if (isGitlink)
                {
                    gitlinks.Add(GitConfigFileBytes.DecodeStrictly(previous.AsSpan(0, length), "a gitlink's name in the index"));
                }
            }
            else
            {
                // Like git: the length is in the flags unless it is too long for them, then the name ends at its NUL.
                var length = flags & NameLengthMask;
                if (length == NameLengthMask)
                {
                    length = Terminator(data, offset, end) - offset;
                }

                Need(offset, length, end);
                if (isGitlink)
                {
                    gitlinks.Add(GitConfigFileBytes.DecodeStrictly(data.AsSpan(offset, length), "a gitlink's name in the index"));
                }

                // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
                offset = entryStart + ((offset - entryStart + length + 8) & ~7);
                Need(offset, 0, end);
            }
        }

        return SharedIndexName(data, offset, end, hashBytes);
    }

    private static string? SharedIndexName(byte[] data, int offset, int end, int hashBytes)
    {
        while (offset + 8 <= end)
        {
            var signature = data.AsSpan(offset, 4);
            var size = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset + 4));
            offset += 8;
            if (size > (uint)(end - offset))
            {
                throw new InvalidDataException("an index extension that runs past the end");
            }

            // With this extension (found through EOIE, below) git may read the entries in blocks from the offsets it
            // lists, not in order, and a version-4 block's first entry keeps no prefix of the one before it.
            if (signature.SequenceEqual("IEOT"u8))
            {
                throw new InvalidDataException("an index that git may read in blocks (IEOT)");
            }

            if (signature.SequenceEqual("link"u8))
            {
                Need(offset, hashBytes, end);
                return Convert.ToHexStringLower(data, offset, hashBytes);
            }

            offset += (int)size;
        }

        return null;
    }

    private static long ReadVarint(byte[] data, ref int offset, int end)
    {
        Need(offset, 1, end);
        int c = data[offset++];
        long value = c & 127;
        while ((c & 128) != 0)
        {
            Need(offset, 1, end);
            c = data[offset++];
            value = ((value + 1) << 7) + (c & 127);
            if (value > int.MaxValue)
            {
                throw new InvalidDataException("an index path length out of range");
            }
        }

        return value;
    }

    private static int Terminator(byte[] data, int offset, int end)
    {
        var length = Array.IndexOf(data, (byte)0, offset, end - offset);
        return length < 0 ? throw new InvalidDataException("an index path without its terminator") : length;
    }

    private static void Need(int offset, int bytes, int end)
    {
        if (offset + bytes > end)
        {
            throw new InvalidDataException("an index entry that runs past the end");
        }
    }
}
