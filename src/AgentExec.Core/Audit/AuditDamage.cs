namespace AgentExec.Core.Audit;

/// <summary>A run of lines that do not verify on their own (a torn write), as a <c>recovery</c> event names it.</summary>
/// <param name="FirstLine">The 1-based number of the first damaged line.</param>
/// <param name="LineCount">How many lines the damage spans.</param>
/// <param name="Offset">The byte offset where it starts.</param>
/// <param name="ByteCount">Its length in bytes, without the newline that ends it.</param>
/// <param name="Sha256">The lowercase hex SHA-256 of those bytes, so the damaged bytes are pinned by the chain too.</param>
internal sealed record AuditDamage(long FirstLine, long LineCount, long Offset, long ByteCount, string Sha256);
