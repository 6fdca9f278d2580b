using System.Buffers;
using System.Runtime.Versioning;
using AgentExec.Core.Crypto;

namespace AgentExec.Core.Audit;

/// <summary>Byte-level scans of the log that need no parsing: from the end backwards, newline counts, region hashes.</summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
internal static class AuditFileScan
{
    private const int ChunkSize = 64 * 1024;
    private const int FirstBackwardChunk = 4 * 1024;

    /// <summary>True when the byte just before <paramref name="length"/> is a newline.</summary>
    public static bool EndsWithNewline(AuditFile file, long length)
    {
        if (length == 0)
        {
            return false;
        }

        Span<byte> last = stackalloc byte[1];
        file.ReadExactly(last, length - 1);
        return last[0] == (byte)'\n';
    }

    /// <summary>Where the content of the last line ends: before the final newline if there is one.</summary>
    public static long ContentEnd(AuditFile file, long length) => EndsWithNewline(file, length) ? length - 1 : length;

    /// <summary>
    /// The offset just after the <paramref name="count"/>-th newline found searching back from <paramref name="end"/>
    /// (exclusive), or 0 when there are fewer: with <paramref name="end"/> the end of a line's content, the start of
    /// that line and the <paramref name="count"/> − 1 lines before it.
    /// </summary>
    public static long StartOfTrailingLines(AuditFile file, long end, int count)
    {
        // Every append looks for the start of the last line, which is rarely more than a few kilobytes long: read back
        // 4 KiB first and twice as much each time after, from a pooled buffer. (A fresh 64 KiB array and a 64 KiB read
        // per append were most of an append's allocation and copying.)
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var found = 0;
            var position = end;
            var wanted = FirstBackwardChunk;
            while (position > 0)
            {
                var size = (int)Math.Min(wanted, position);
                var chunkStart = position - size;
                var span = chunk.AsSpan(0, size);
                file.ReadExactly(span, chunkStart);
                while (true)
                {
                    var newline = span.LastIndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        break;
                    }

                    if (++found == count)
                    {
                        return chunkStart + newline + 1;
                    }

                    span = span[..newline];
                }

                position = chunkStart;
                wanted = Math.Min(wanted * 2, ChunkSize);
            }

            return 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The number of newlines in [<paramref name="start"/>, <paramref name="end"/>): a forward pass with no parsing.</summary>
    public static long CountNewlines(AuditFile file, long start, long end)
    {
        var chunk = new byte[ChunkSize];
        long count = 0;
        for (var position = start; position < end;)
        {
            var span = chunk.AsSpan(0, (int)Math.Min(ChunkSize, end - position));
            file.ReadExactly(span, position);
            count += span.Count((byte)'\n');
            position += span.Length;
        }

        return count;
    }

    /// <summary>The lowercase hex SHA-256 of the bytes in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public static string HashRange(AuditFile file, long start, long end)
    {
        var sha = new Sha256Hash();
        var chunk = new byte[ChunkSize];
        for (var position = start; position < end;)
        {
            var span = chunk.AsSpan(0, (int)Math.Min(ChunkSize, end - position));
            file.ReadExactly(span, position);
            sha.Append(span);
            position += span.Length;
        }

        return sha.FinishHex();
    }
}
