using System.Buffers;
using System.Runtime.Versioning;

namespace AgentExec.Core.Audit;

/// <summary>Reads the lines of a region of the log front to back, in bounded chunks, so a large log is never held whole.</summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
internal sealed class AuditLineCursor
{
    private const int ChunkSize = 64 * 1024;

    private readonly AuditFile _file;
    private readonly long _end;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private readonly ArrayBufferWriter<byte> _pending = new();
    private long _chunkOffset;
    private int _chunkLength;
    private int _chunkPosition;
    private long _lineStart;
    private long _nextNumber;

    /// <summary>Starts at <paramref name="start"/> (a line start) numbered <paramref name="firstNumber"/>, stops at <paramref name="end"/>.</summary>
    public AuditLineCursor(AuditFile file, long start, long end, long firstNumber)
    {
        _file = file;
        _end = end;
        _chunkOffset = start;
        _lineStart = start;
        _nextNumber = firstNumber;
    }

    /// <summary>Reads the next line; false at the end of the region.</summary>
    public bool TryReadNext(out AuditFileLine line)
    {
        while (true)
        {
            if (_chunkPosition == _chunkLength)
            {
                var nextOffset = _chunkOffset + _chunkLength;
                if (nextOffset >= _end)
                {
                    if (_pending.WrittenCount == 0)
                    {
                        line = null!;
                        return false;
                    }

                    line = TakeLine(hasNewline: false);
                    return true;
                }

                _chunkOffset = nextOffset;
                _chunkLength = (int)Math.Min(ChunkSize, _end - nextOffset);
                _chunkPosition = 0;
                _file.ReadExactly(_chunk.AsSpan(0, _chunkLength), _chunkOffset);
            }

            var available = _chunk.AsSpan(_chunkPosition, _chunkLength - _chunkPosition);
            var newline = available.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _pending.Write(available);
                _chunkPosition = _chunkLength;
                continue;
            }

            _pending.Write(available[..newline]);
            _chunkPosition += newline + 1;
            line = TakeLine(hasNewline: true);
            return true;
        }
    }

    private AuditFileLine TakeLine(bool hasNewline)
    {
        var bytes = _pending.WrittenSpan.ToArray();
        _pending.ResetWrittenCount();
        var line = new AuditFileLine(_nextNumber++, _lineStart, bytes, hasNewline);
        _lineStart += bytes.Length + (hasNewline ? 1 : 0);
        return line;
    }
}
