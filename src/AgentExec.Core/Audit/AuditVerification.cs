namespace AgentExec.Core.Audit;

/// <summary>The result of verifying a log: valid, or the first defect; plus the head reached and any recovered damage.</summary>
/// <remarks>
/// A torn line that a <c>recovery</c> event names does not make the log invalid: the writer that found it recorded
/// it, the chain continues, and <see cref="RecoveredDamage"/> lists it so <c>audit verify</c> can warn. A torn last
/// line that nobody has recovered yet is a defect (<see cref="AuditDefectKind.TornLastLine"/>).
/// </remarks>
public sealed record AuditVerification
{
    /// <summary>The first defect; null when the chain holds (and the expected head, if any, matched).</summary>
    public AuditDefect? Defect { get; init; }

    /// <summary>The last event that verified: the log's head when valid, the last good event before the defect otherwise; null when there is none.</summary>
    public AuditHead? Head { get; init; }

    /// <summary>How many lines were read.</summary>
    public long LineCount { get; init; }

    /// <summary>How many events verified.</summary>
    public long EventCount { get; init; }

    /// <summary>Torn lines that recovery events name, in file order.</summary>
    public IReadOnlyList<AuditRecoveredDamage> RecoveredDamage { get; init; } = [];

    /// <summary>True when the last line is a complete event without its closing newline (the next writer adds it); worth a warning, not a failure.</summary>
    public bool LastLineUnterminated { get; init; }

    /// <summary>True when no defect was found.</summary>
    public bool IsValid => Defect is null;
}
