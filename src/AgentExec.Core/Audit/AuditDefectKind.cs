namespace AgentExec.Core.Audit;

/// <summary>Why a line of the audit log does not verify (SPEC.md "Audit log").</summary>
public enum AuditDefectKind
{
    /// <summary>The line is not a JSON object (this includes invalid UTF-8 and empty lines).</summary>
    NotJson,

    /// <summary>One of <c>seq</c>, <c>ts</c>, <c>event</c>, <c>prev</c>, <c>hash</c> is missing.</summary>
    MissingFields,

    /// <summary>The envelope is there but wrong: order, types, a repeated reserved name, or a non-canonical hash member.</summary>
    MalformedFields,

    /// <summary><c>hash</c> is present but is not the last member.</summary>
    HashNotLast,

    /// <summary>The stored <c>hash</c> is not the SHA-256 of the line's bytes: the line was edited.</summary>
    HashMismatch,

    /// <summary><c>prev</c> is not the previous event's <c>hash</c>: a line was removed, inserted or reordered.</summary>
    PrevMismatch,

    /// <summary><c>seq</c> does not follow the previous event's <c>seq</c> by one (or the first is not 1).</summary>
    SeqNotConsecutive,

    /// <summary>The last line was cut short (a crash mid-write) and no writer has recorded a recovery after it yet.</summary>
    TornLastLine,

    /// <summary>A <c>recovery</c> event does not describe the damaged lines just before it.</summary>
    RecoveryMismatch,

    /// <summary>The event with the expected head's <c>seq</c> has a different hash: the log was rewritten.</summary>
    ExpectedHeadMismatch,

    /// <summary>The log ends before the expected head's <c>seq</c>: it was truncated or replaced.</summary>
    ExpectedHeadMissing,

    /// <summary>The file cannot be read at all.</summary>
    Unreadable,
}
