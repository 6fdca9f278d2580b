namespace AgentExec.Core.Audit;

/// <summary>One line of the log file as raw bytes, with where it sits.</summary>
/// <param name="Number">Its 1-based line number.</param>
/// <param name="Offset">The byte offset where it starts.</param>
/// <param name="Bytes">Its bytes, without the newline.</param>
/// <param name="HasNewline">False only for a last line that a writer did not finish.</param>
internal sealed record AuditFileLine(long Number, long Offset, byte[] Bytes, bool HasNewline);
