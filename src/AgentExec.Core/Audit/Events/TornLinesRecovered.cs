using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AgentExec.Core.Audit.Events;

/// <summary>A writer found a torn end of the log and continued the chain after it (<c>recovery</c>); written by the log only.</summary>
/// <param name="TornLine">The first damaged line (1-based).</param>
/// <param name="TornLineCount">How many lines are damaged.</param>
/// <param name="TornOffset">The byte offset of the damage.</param>
/// <param name="TornBytes">How many bytes are damaged.</param>
/// <param name="TornSha256">The lowercase hex SHA-256 of the damaged bytes.</param>
public sealed record TornLinesRecovered(
    [property: JsonPropertyName(TornLinesRecovered.TornLineName)] long TornLine,
    [property: JsonPropertyName(TornLinesRecovered.TornLineCountName)] long TornLineCount,
    [property: JsonPropertyName(TornLinesRecovered.TornOffsetName)] long TornOffset,
    [property: JsonPropertyName(TornLinesRecovered.TornBytesName)] long TornBytes,
    [property: JsonPropertyName(TornLinesRecovered.TornSha256Name)] string TornSha256) : IAuditRecord
{
    // The field names are also what the verifier checks a recovery event against (AuditRecovery.Mismatch).
    internal const string TornLineName = "torn_line";
    internal const string TornLineCountName = "torn_line_count";
    internal const string TornOffsetName = "torn_offset";
    internal const string TornBytesName = "torn_bytes";
    internal const string TornSha256Name = "torn_sha256";

    /// <inheritdoc />
    [JsonIgnore]
    public JsonTypeInfo TypeInfo => AuditLogJsonContext.Default.TornLinesRecovered;

    /// <inheritdoc />
    [JsonIgnore]
    public string EventName => AuditEventNames.Recovery;
}
