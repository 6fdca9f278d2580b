namespace AgentExec.Core.Audit;

/// <summary>The first thing wrong with a log: where, what kind, and why in words.</summary>
/// <param name="Line">The 1-based line; null when the problem is not at a line (unreadable file, log shorter than the expected head).</param>
/// <param name="Kind">The kind of defect.</param>
/// <param name="Message">A sentence for the user, without the line number.</param>
public sealed record AuditDefect(long? Line, AuditDefectKind Kind, string Message)
{
    /// <summary>Renders <c>line N: message</c> (or just the message), as <c>audit verify</c> prints it.</summary>
    public override string ToString() => Line is { } line ? $"line {line}: {Message}" : Message;
}
