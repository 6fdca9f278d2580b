namespace AgentExec.Core.Audit;

/// <summary>The position of the last event written: its <c>seq</c> and <c>hash</c>, to anchor the chain outside the file.</summary>
/// <param name="Seq">The event's sequence number.</param>
/// <param name="Hash">Its lowercase hex SHA-256.</param>
public sealed record AuditHead(long Seq, string Hash);
