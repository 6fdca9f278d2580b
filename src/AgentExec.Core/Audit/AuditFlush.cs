namespace AgentExec.Core.Audit;

/// <summary>When an appended event must be on disk (SPEC.md "Audit log": an event is flushed before the action it records proceeds).</summary>
public enum AuditFlush
{
    /// <summary>On disk before the append returns: for an event that an action waits on (a command starting, a question put, a result returned).</summary>
    BeforeReturning,

    /// <summary>
    /// Written at once, in its place in the chain, and on disk with the next <see cref="BeforeReturning"/> append to the
    /// same log: <c>fsync</c> flushes every earlier write to the file, whichever process made it. For an event no
    /// action waits on, because another event always follows it before one does (a call's arrival and its policy
    /// decision precede the start of its command). It saves one <c>fsync</c> (about a millisecond) per event.
    /// </summary>
    WithNextFlush,
}
