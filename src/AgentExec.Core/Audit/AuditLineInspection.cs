using System.Text.Json;

namespace AgentExec.Core.Audit;

/// <summary>What one line of the log says about itself: its envelope and whether its own hash holds (the chain is not checked here).</summary>
internal sealed record AuditLineInspection
{
    /// <summary>Why the line does not verify on its own; null when it does.</summary>
    public AuditDefectKind? Defect { get; init; }

    /// <summary>A sentence for humans explaining <see cref="Defect"/>.</summary>
    public string? Problem { get; init; }

    /// <summary>The line as a JSON object, whenever it parses as one (intact or not), detached from any document.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>The event's <c>seq</c> (meaningful when intact).</summary>
    public long Seq { get; init; }

    /// <summary>The event's <c>ts</c> (meaningful when intact).</summary>
    public string Timestamp { get; init; } = "";

    /// <summary>The event's name (meaningful when intact).</summary>
    public string EventName { get; init; } = "";

    /// <summary>The event's <c>prev</c> (meaningful when intact).</summary>
    public string Prev { get; init; } = "";

    /// <summary>The event's <c>hash</c>, recomputed and equal to the stored one (meaningful when intact).</summary>
    public string Hash { get; init; } = "";

    /// <summary>True when the line is well formed and its own hash matches its bytes.</summary>
    public bool IsIntact => Defect is null;

    /// <summary>A line that does not verify on its own.</summary>
    public static AuditLineInspection Damaged(AuditDefectKind defect, string problem, JsonElement? json = null) =>
        new() { Defect = defect, Problem = problem, Json = json };
}
