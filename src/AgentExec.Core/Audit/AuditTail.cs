using System.Runtime.Versioning;

namespace AgentExec.Core.Audit;

/// <summary>What a writer must know about the end of the log before appending: the head to chain from, and any torn bytes after it.</summary>
/// <param name="Length">The file's length when it was read (under the exclusive lock).</param>
/// <param name="LastGood">The last line that verifies on its own; null when there is none (an empty log, or nothing but damage).</param>
/// <param name="Damage">The bytes after <paramref name="LastGood"/> that do not verify; null when there are none.</param>
/// <param name="NeedsNewline">True when the file does not end with a newline, so the next line must start with one.</param>
internal sealed record AuditTail(long Length, AuditHead? LastGood, AuditDamage? Damage, bool NeedsNewline)
{
    /// <summary>Reads the tail from the end backwards, line by line, until a line verifies; usually just the last line.</summary>
    /// <remarks>
    /// A line counts as good when it verifies on its own (<see cref="AuditLineFormat.Inspect"/>), the same test the
    /// verifier applies, so both agree on where damage starts. The whole file is read only when there is damage, to
    /// count the lines before it (a recovery event names the line number).
    /// </remarks>
    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("macos")]
    public static AuditTail Read(AuditFile file)
    {
        var length = file.Length;
        if (length == 0)
        {
            return new AuditTail(0, null, null, NeedsNewline: false);
        }

        var endsWithNewline = AuditFileScan.EndsWithNewline(file, length);
        var end = endsWithNewline ? length - 1 : length;
        var contentEnd = end;
        AuditHead? lastGood = null;
        var damageStart = 0L;
        while (true)
        {
            var start = AuditFileScan.StartOfTrailingLines(file, contentEnd, 1);
            var inspection = AuditLineFormat.Inspect(file.ReadRange(start, contentEnd));
            if (inspection.IsIntact)
            {
                lastGood = new AuditHead(inspection.Seq, inspection.Hash);
                damageStart = contentEnd + 1;
                break;
            }

            if (start == 0)
            {
                break;
            }

            contentEnd = start - 1;
        }

        AuditDamage? damage = null;
        if (damageStart < length)
        {
            damage = new AuditDamage(
                FirstLine: AuditFileScan.CountNewlines(file, 0, damageStart) + 1,
                LineCount: AuditFileScan.CountNewlines(file, damageStart, end) + 1,
                Offset: damageStart,
                ByteCount: end - damageStart,
                Sha256: AuditFileScan.HashRange(file, damageStart, end));
        }

        return new AuditTail(length, lastGood, damage, NeedsNewline: !endsWithNewline);
    }
}
