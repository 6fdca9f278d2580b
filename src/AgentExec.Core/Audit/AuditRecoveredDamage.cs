namespace AgentExec.Core.Audit;

/// <summary>Torn lines that a later <c>recovery</c> event names: the chain goes on past them, and the damage stays listed.</summary>
/// <param name="FirstLine">The first damaged line (1-based).</param>
/// <param name="LineCount">How many lines are damaged.</param>
/// <param name="ByteCount">How many bytes they hold, without the final newline.</param>
/// <param name="RecoveryLine">The line of the <c>recovery</c> event.</param>
/// <param name="RecoverySeq">That event's <c>seq</c>.</param>
public sealed record AuditRecoveredDamage(long FirstLine, long LineCount, long ByteCount, long RecoveryLine, long RecoverySeq)
{
    /// <summary>Renders a one-line warning for <c>audit verify</c>.</summary>
    public override string ToString() =>
        (LineCount == 1 ? $"line {FirstLine}" : $"lines {FirstLine}-{FirstLine + LineCount - 1}")
        + $" torn ({ByteCount} bytes), recovered by the recovery event on line {RecoveryLine} (seq {RecoverySeq})";
}
