using System.Runtime.Versioning;
using AgentExec.Core.Crypto;

namespace AgentExec.Core.Audit;

/// <summary>Checks an audit log's hash chain line by line, from the file's bytes alone (<c>agentexec audit verify</c>).</summary>
public static class AuditChainVerifier
{
    /// <summary>Verifies the log at <paramref name="path"/>; with <paramref name="expectedHead"/>, also that the event with its <c>seq</c> still has its hash.</summary>
    /// <remarks>
    /// <para>
    /// Each line must verify on its own (a JSON object with the envelope in order and a matching hash) and chain to the
    /// one before: <c>seq</c> one more, <c>prev</c> equal to its <c>hash</c>; the first event has seq 1 and 64 zeros.
    /// </para>
    /// <para>
    /// Lines that do not verify on their own are accepted only when they are torn (not JSON: what a crash mid-write
    /// leaves), the very next good line is a <c>recovery</c> event naming exactly them (first line, count, offset,
    /// bytes and their SHA-256), and it chains from the last good event; they are then listed in
    /// <see cref="AuditVerification.RecoveredDamage"/>. An edited line stays a failure even when a writer has since
    /// recovered past it. A log that has grown since <paramref name="expectedHead"/> was taken still passes; a log
    /// that ends before its <c>seq</c> does not.
    /// </para>
    /// <para>
    /// The file's length is taken under a shared lock, so a writer in the middle of an append is never mistaken for a
    /// torn line; lines appended after that moment are not read.
    /// </para>
    /// </remarks>
    public static AuditVerification Verify(string path, AuditHead? expectedHead)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!PosixFileCalls.IsSupported)
        {
            return Unreadable("verifying the audit log needs flock, available here on Linux and macOS only");
        }

        try
        {
            using var file = AuditFile.OpenSnapshot(path, out var length);
            return new ChainWalk(expectedHead).Run(new AuditLineCursor(file, 0, length, firstNumber: 1));
        }
        catch (FileNotFoundException)
        {
            return Unreadable($"the audit log '{path}' does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable($"cannot read the audit log: {e.Message}");
        }
    }

    private static AuditVerification Unreadable(string message) =>
        new() { Defect = new AuditDefect(null, AuditDefectKind.Unreadable, message) };

    /// <summary>The state of one pass over the lines.</summary>
    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("macos")]
    private sealed class ChainWalk(AuditHead? expectedHead)
    {
        private readonly List<AuditRecoveredDamage> _recovered = [];
        private AuditHead? _head;
        private long _lines;
        private long _events;
        private bool _expectedHeadSeen;
        private PendingDamage? _damage;
        private bool _lastLineUnterminated;

        public AuditVerification Run(AuditLineCursor cursor)
        {
            while (cursor.TryReadNext(out var line))
            {
                _lines = line.Number;
                var defect = Accept(line);
                if (defect is not null)
                {
                    return Result(defect);
                }
            }

            if (_damage is { } damage)
            {
                return Result(damage.Unrecovered());
            }

            if (expectedHead is not null && !_expectedHeadSeen)
            {
                var end = _head is null ? "has no events" : $"ends at seq {_head.Seq}";
                return Result(new AuditDefect(
                    null,
                    AuditDefectKind.ExpectedHeadMissing,
                    $"the log {end}, before the expected head's seq {expectedHead.Seq}: it was truncated or replaced"));
            }

            return Result(null);
        }

        private AuditDefect? Accept(AuditFileLine line)
        {
            var inspection = AuditLineFormat.Inspect(line.Bytes);
            if (!inspection.IsIntact)
            {
                _damage ??= new PendingDamage(line, inspection);
                _damage.Add(line, inspection);
                return null;
            }

            _lastLineUnterminated = !line.HasNewline;
            var isRecovery = inspection.EventName == AuditEventNames.Recovery;
            if (_damage is { } damage)
            {
                if (!isRecovery)
                {
                    return damage.Unrecovered();
                }

                if (AuditRecovery.Mismatch(inspection.Json!.Value, damage.Describe()) is { } mismatch)
                {
                    return new AuditDefect(damage.FirstLine, AuditDefectKind.RecoveryMismatch, mismatch);
                }

                if (damage.NotTorn() is { } notTorn)
                {
                    return notTorn;
                }

                _recovered.Add(new AuditRecoveredDamage(
                    damage.FirstLine, damage.LineCount, damage.ByteCount, line.Number, inspection.Seq));
                _damage = null;
            }
            else if (isRecovery)
            {
                return new AuditDefect(
                    line.Number, AuditDefectKind.RecoveryMismatch, "a recovery event with no damaged line just before it");
            }

            var expectedSeq = (_head?.Seq ?? 0) + 1;
            if (inspection.Seq != expectedSeq)
            {
                return new AuditDefect(
                    line.Number,
                    AuditDefectKind.SeqNotConsecutive,
                    _head is null
                        ? $"seq is {inspection.Seq}, but the first event has seq 1"
                        : $"seq is {inspection.Seq}, but the event before it has seq {_head.Seq}");
            }

            var expectedPrev = _head?.Hash ?? AuditLineFormat.GenesisHash;
            if (inspection.Prev != expectedPrev)
            {
                return new AuditDefect(
                    line.Number,
                    AuditDefectKind.PrevMismatch,
                    $"prev is {inspection.Prev}, but the event before it has hash {expectedPrev}");
            }

            _head = new AuditHead(inspection.Seq, inspection.Hash);
            _events++;
            if (expectedHead is not null && inspection.Seq == expectedHead.Seq)
            {
                if (inspection.Hash != expectedHead.Hash)
                {
                    return new AuditDefect(
                        line.Number,
                        AuditDefectKind.ExpectedHeadMismatch,
                        $"seq {inspection.Seq} has hash {inspection.Hash}, not the expected {expectedHead.Hash}: the log was rewritten");
                }

                _expectedHeadSeen = true;
            }

            return null;
        }

        private AuditVerification Result(AuditDefect? defect) => new()
        {
            Defect = defect,
            Head = _head,
            LineCount = _lines,
            EventCount = _events,
            RecoveredDamage = _recovered,
            LastLineUnterminated = defect is null && _lastLineUnterminated,
        };
    }

    /// <summary>Consecutive lines that do not verify on their own, waiting for the recovery event that must name them.</summary>
    private sealed class PendingDamage
    {
        private readonly Sha256Hash _sha = new();
        private readonly AuditFileLine _first;
        private readonly AuditLineInspection _firstInspection;
        private AuditFileLine _last;
        private AuditDefect? _firstNotTorn;

        public PendingDamage(AuditFileLine first, AuditLineInspection firstInspection)
        {
            _first = first;
            _firstInspection = firstInspection;
            _last = first;
        }

        public long FirstLine => _first.Number;

        public long LineCount { get; private set; }

        public long ByteCount { get; private set; }

        public void Add(AuditFileLine line, AuditLineInspection inspection)
        {
            // A crash leaves a prefix of a line (never a complete JSON object) or zeros: not JSON. A complete object
            // that fails its hash or envelope was made by something else, and a recovery event does not excuse it.
            if (inspection.Defect != AuditDefectKind.NotJson)
            {
                _firstNotTorn ??= new AuditDefect(
                    line.Number,
                    inspection.Defect!.Value,
                    inspection.Problem + " (a recovery event names it, but a crash cannot leave a complete JSON object)");
            }

            // The damaged bytes are the lines joined by their newlines, exactly as a writer measured them.
            if (LineCount > 0)
            {
                _sha.Append("\n"u8);
                ByteCount++;
            }

            _sha.Append(line.Bytes);
            ByteCount += line.Bytes.Length;
            LineCount++;
            _last = line;
        }

        public AuditDamage Describe() => new(_first.Number, LineCount, _first.Offset, ByteCount, _sha.CurrentHex());

        public AuditDefect? NotTorn() => _firstNotTorn;

        public AuditDefect Unrecovered()
        {
            if (LineCount == 1 && !_last.HasNewline)
            {
                return new AuditDefect(
                    _first.Number,
                    AuditDefectKind.TornLastLine,
                    $"torn last line: {ByteCount} bytes with no closing newline ({_firstInspection.Problem}); "
                    + "a writer stopped mid-write, and the next append will record a recovery event");
            }

            return new AuditDefect(_first.Number, _firstInspection.Defect!.Value, _firstInspection.Problem!);
        }
    }
}
