using System.Globalization;
using System.Text;

namespace AgentExec.Core.Execution;

/// <summary>
/// Keeps the first half and the last half of a byte stream's cap, counting every byte (SPEC.md "Sandbox": stdout/stderr
/// are capped, the rest drained and counted).
/// </summary>
/// <remarks>
/// Memory is bounded by the cap whatever the stream's length: the head stops growing at its half and the tail is a
/// ring that overwrites its oldest bytes. Both grow on demand, so a command that prints two bytes does not cost a
/// megabyte. Not thread-safe: one reader appends, and the text is taken after it stopped (or under the caller's lock).
/// </remarks>
internal sealed class CappedOutputBuffer
{
    private const int InitialStorageBytes = 4096;

    private readonly int _headCapacity;
    private readonly int _tailCapacity;
    private byte[] _head = [];
    private int _headLength;
    private byte[] _tail = [];
    private int _tailStart;
    private int _tailLength;

    /// <summary>Creates a buffer keeping at most <paramref name="capBytes"/> bytes: the first half and the last half.</summary>
    public CappedOutputBuffer(int capBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capBytes);
        CapBytes = capBytes;
        _headCapacity = capBytes / 2;
        _tailCapacity = capBytes - _headCapacity;
    }

    /// <summary>The most bytes kept.</summary>
    public int CapBytes { get; }

    /// <summary>Every byte appended, kept or not.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>True when more bytes arrived than the cap keeps.</summary>
    public bool Truncated => TotalBytes > CapBytes;

    /// <summary>Bytes of storage currently allocated; never more than <see cref="CapBytes"/>.</summary>
    internal int AllocatedBytes => _head.Length + _tail.Length;

    /// <summary>
    /// The line put between the kept head and tail when bytes were dropped: <c>"\n[… N bytes omitted …]\n"</c>, with
    /// U+2026 ellipses and N in invariant digits, no separators.
    /// </summary>
    public static string OmissionMarker(long omittedBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"\n[\u2026 {omittedBytes} bytes omitted \u2026]\n");

    /// <summary>Counts a chunk and keeps what belongs to the head or, overwriting the oldest kept bytes, the tail.</summary>
    public void Append(ReadOnlySpan<byte> chunk)
    {
        TotalBytes += chunk.Length;

        var toHead = Math.Min(chunk.Length, _headCapacity - _headLength);
        if (toHead > 0)
        {
            EnsureStorage(ref _head, _headLength + toHead, _headCapacity);
            chunk[..toHead].CopyTo(_head.AsSpan(_headLength));
            _headLength += toHead;
            chunk = chunk[toHead..];
        }

        if (!chunk.IsEmpty && _tailCapacity > 0)
        {
            AppendToTail(chunk);
        }
    }

    /// <summary>The kept text: everything when nothing was dropped, else head + <see cref="OmissionMarker"/> + tail.</summary>
    /// <remarks>
    /// UTF-8, invalid sequences replaced by U+FFFD. At the two cuts a character split by the cap is dropped rather than
    /// shown as replacement characters, and those bytes count as omitted; the text is never longer (in UTF-16 units)
    /// than the cap plus the marker, because no UTF-8 byte sequence decodes to more units than it has bytes.
    /// </remarks>
    public CapturedOutput ToCapturedOutput()
    {
        var tail = OrderedTail();
        if (!Truncated)
        {
            // Nothing was dropped, so head and tail are one contiguous run and decode together.
            var whole = new byte[_headLength + tail.Length];
            _head.AsSpan(0, _headLength).CopyTo(whole);
            tail.CopyTo(whole.AsSpan(_headLength));
            return new CapturedOutput(Encoding.UTF8.GetString(whole), TotalBytes, Truncated: false);
        }

        var head = _head.AsSpan(0, WholeCharacterPrefixLength(_head.AsSpan(0, _headLength)));
        var keptTail = tail.AsSpan(LeadingContinuationBytes(tail));
        var omitted = TotalBytes - head.Length - keptTail.Length;
        var text = string.Concat(Encoding.UTF8.GetString(head), OmissionMarker(omitted), Encoding.UTF8.GetString(keptTail));
        return new CapturedOutput(text, TotalBytes, Truncated: true);
    }

    private void AppendToTail(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length >= _tailCapacity)
        {
            // The chunk alone fills the ring: only its last bytes survive.
            EnsureStorage(ref _tail, _tailCapacity, _tailCapacity);
            chunk[^_tailCapacity..].CopyTo(_tail);
            _tailStart = 0;
            _tailLength = _tailCapacity;
            return;
        }

        var needed = _tailLength + chunk.Length;
        if (needed > _tailCapacity)
        {
            // About to wrap: from here on the storage is exactly the ring's size. Until the first wrap the data
            // starts at index 0, so growing by copying keeps it in order.
            EnsureStorage(ref _tail, _tailCapacity, _tailCapacity);
        }
        else
        {
            EnsureStorage(ref _tail, needed, _tailCapacity);
        }

        var write = (_tailStart + _tailLength) % _tailCapacity;
        var first = Math.Min(chunk.Length, _tailCapacity - write);
        chunk[..first].CopyTo(_tail.AsSpan(write));
        chunk[first..].CopyTo(_tail);

        if (needed > _tailCapacity)
        {
            _tailStart = (_tailStart + (needed - _tailCapacity)) % _tailCapacity;
            _tailLength = _tailCapacity;
        }
        else
        {
            _tailLength = needed;
        }
    }

    private byte[] OrderedTail()
    {
        var ordered = new byte[_tailLength];
        if (_tailLength == 0)
        {
            return ordered;
        }

        var first = Math.Min(_tailLength, _tail.Length - _tailStart);
        _tail.AsSpan(_tailStart, first).CopyTo(ordered);
        _tail.AsSpan(0, _tailLength - first).CopyTo(ordered.AsSpan(first));
        return ordered;
    }

    private static void EnsureStorage(ref byte[] storage, int needed, int capacity)
    {
        if (storage.Length >= needed)
        {
            return;
        }

        var size = Math.Min(capacity, Math.Max(needed, Math.Max(InitialStorageBytes, storage.Length * 2)));
        Array.Resize(ref storage, size);
    }

    /// <summary>The length of <paramref name="bytes"/> without a trailing, incomplete UTF-8 sequence.</summary>
    private static int WholeCharacterPrefixLength(ReadOnlySpan<byte> bytes)
    {
        // A UTF-8 sequence is at most 4 bytes: look back over at most 3 continuation bytes for its lead byte.
        for (var back = 1; back <= Math.Min(4, bytes.Length); back++)
        {
            var current = bytes[^back];
            if (IsContinuation(current))
            {
                continue;
            }

            return SequenceLength(current) > back ? bytes.Length - back : bytes.Length;
        }

        return bytes.Length;
    }

    /// <summary>How many bytes at the start of <paramref name="bytes"/> continue a character that began before the cut.</summary>
    private static int LeadingContinuationBytes(ReadOnlySpan<byte> bytes)
    {
        var count = 0;
        while (count < 3 && count < bytes.Length && IsContinuation(bytes[count]))
        {
            count++;
        }

        return count;
    }

    private static bool IsContinuation(byte value) => (value & 0xC0) == 0x80;

    private static int SequenceLength(byte lead) => lead switch
    {
        >= 0xC2 and <= 0xDF => 2,
        >= 0xE0 and <= 0xEF => 3,
        >= 0xF0 and <= 0xF4 => 4,
        _ => 1, // ASCII, or a byte that can never lead a valid sequence: it stands alone.
    };
}
