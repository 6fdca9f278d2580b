using System.Runtime.Versioning;
using System.Text;

namespace AgentExec.Core.Audit;

/// <summary>Reads the audit log back for <c>agentexec audit show [--last N] [--json]</c>.</summary>
/// <remarks>
/// Reading does not verify the chain: each entry says only whether its own line verifies. Both methods read up to the
/// length the file had when they started (taken under a shared lock, so no half-written append is ever returned).
/// </remarks>
public static class AuditLogReader
{
    /// <summary>Reads every line, front to back, one at a time; the file is read lazily as the sequence is enumerated.</summary>
    /// <exception cref="FileNotFoundException">The log does not exist (thrown on enumeration).</exception>
    /// <exception cref="IOException">The log cannot be read (thrown on enumeration).</exception>
    public static IEnumerable<AuditEntry> ReadAll(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!PosixFileCalls.IsSupported)
        {
            throw Unsupported();
        }

        return ReadFrom(path);
    }

    /// <summary>Reads the last <paramref name="count"/> lines (fewer when the log is shorter), searching back from the end.</summary>
    /// <remarks>Only those lines are parsed; their line numbers come from one fast newline count over the bytes before them.</remarks>
    /// <exception cref="FileNotFoundException">The log does not exist.</exception>
    /// <exception cref="IOException">The log cannot be read.</exception>
    public static IReadOnlyList<AuditEntry> ReadLast(string path, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!PosixFileCalls.IsSupported)
        {
            throw Unsupported();
        }

        using var file = AuditFile.OpenSnapshot(path, out var length);
        if (length == 0)
        {
            return [];
        }

        var start = AuditFileScan.StartOfTrailingLines(file, AuditFileScan.ContentEnd(file, length), count);
        var cursor = new AuditLineCursor(file, start, length, AuditFileScan.CountNewlines(file, 0, start) + 1);
        var entries = new List<AuditEntry>(count);
        while (cursor.TryReadNext(out var line))
        {
            entries.Add(ToEntry(line));
        }

        return entries;
    }

    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("macos")]
    private static IEnumerable<AuditEntry> ReadFrom(string path)
    {
        using var file = AuditFile.OpenSnapshot(path, out var length);
        var cursor = new AuditLineCursor(file, 0, length, firstNumber: 1);
        while (cursor.TryReadNext(out var line))
        {
            yield return ToEntry(line);
        }
    }

    private static AuditEntry ToEntry(AuditFileLine line)
    {
        var inspection = AuditLineFormat.Inspect(line.Bytes);
        return new AuditEntry
        {
            Line = line.Number,
            ByteCount = line.Bytes.Length,
            RawText = Encoding.UTF8.GetString(line.Bytes),
            Json = inspection.Json,
            Defect = inspection.Defect,
            Seq = inspection.IsIntact ? inspection.Seq : null,
            Timestamp = inspection.IsIntact ? inspection.Timestamp : null,
            EventName = inspection.IsIntact ? inspection.EventName : null,
        };
    }

    private static PlatformNotSupportedException Unsupported() =>
        new("Reading the audit log needs flock, available here on Linux and macOS only.");
}
