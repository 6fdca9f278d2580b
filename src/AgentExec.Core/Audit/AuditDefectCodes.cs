namespace AgentExec.Core.Audit;

/// <summary>The wire spelling of <see cref="AuditDefectKind"/>, for <c>audit verify</c> and <c>audit show --json</c>.</summary>
public static class AuditDefectCodes
{
    /// <summary>The snake_case code of a defect (<c>hash_mismatch</c>…).</summary>
    public static string ToCode(this AuditDefectKind kind) => kind switch
    {
        AuditDefectKind.NotJson => "not_json",
        AuditDefectKind.MissingFields => "missing_fields",
        AuditDefectKind.MalformedFields => "malformed_fields",
        AuditDefectKind.HashNotLast => "hash_not_last",
        AuditDefectKind.HashMismatch => "hash_mismatch",
        AuditDefectKind.PrevMismatch => "prev_mismatch",
        AuditDefectKind.SeqNotConsecutive => "seq_not_consecutive",
        AuditDefectKind.TornLastLine => "torn_last_line",
        AuditDefectKind.RecoveryMismatch => "recovery_mismatch",
        AuditDefectKind.ExpectedHeadMismatch => "expected_head_mismatch",
        AuditDefectKind.ExpectedHeadMissing => "expected_head_missing",
        AuditDefectKind.Unreadable => "unreadable",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown defect"),
    };
}
