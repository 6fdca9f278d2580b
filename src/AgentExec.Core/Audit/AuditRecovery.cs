using System.Text.Json;
using AgentExec.Core.Audit.Events;

namespace AgentExec.Core.Audit;

/// <summary>The fields of a <c>recovery</c> event: written by the log, checked by the verifier, spelled here once.</summary>
internal static class AuditRecovery
{
    private const string TornLine = TornLinesRecovered.TornLineName;
    private const string TornLineCount = TornLinesRecovered.TornLineCountName;
    private const string TornOffset = TornLinesRecovered.TornOffsetName;
    private const string TornBytes = TornLinesRecovered.TornBytesName;
    private const string TornSha256 = TornLinesRecovered.TornSha256Name;

    /// <summary>The event that names <paramref name="damage"/>.</summary>
    public static AuditEvent EventFor(AuditDamage damage) => AuditEvent.For(
        new TornLinesRecovered(damage.FirstLine, damage.LineCount, damage.Offset, damage.ByteCount, damage.Sha256));

    /// <summary>Null when the recovery event <paramref name="json"/> names exactly <paramref name="damage"/>; else why not.</summary>
    public static string? Mismatch(JsonElement json, AuditDamage damage)
    {
        var expected = new (string Name, object Value)[]
        {
            (TornLine, damage.FirstLine),
            (TornLineCount, damage.LineCount),
            (TornOffset, damage.Offset),
            (TornBytes, damage.ByteCount),
            (TornSha256, damage.Sha256),
        };
        foreach (var (name, value) in expected)
        {
            if (!json.TryGetProperty(name, out var actual) || !Equal(actual, value))
            {
                var found = json.TryGetProperty(name, out var present) ? present.GetRawText() : "nothing";
                return $"the recovery event's {name} is {found}, but the damaged lines before it have {value}";
            }
        }

        return null;
    }

    private static bool Equal(JsonElement actual, object expected) => expected switch
    {
        long number => actual.ValueKind == JsonValueKind.Number && actual.TryGetInt64(out var value) && value == number,
        string text => actual.ValueKind == JsonValueKind.String && actual.GetString() == text,
        _ => false,
    };
}
