using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentExec.Core.Audit;

/// <summary>The fields of a <c>recovery</c> event: written by the log, checked by the verifier, spelled here once.</summary>
internal static class AuditRecovery
{
    private const string TornLine = "torn_line";
    private const string TornLineCount = "torn_line_count";
    private const string TornOffset = "torn_offset";
    private const string TornBytes = "torn_bytes";
    private const string TornSha256 = "torn_sha256";

    /// <summary>The event that names <paramref name="damage"/>.</summary>
    public static AuditEvent EventFor(AuditDamage damage) => new(
        AuditEventNames.Recovery,
        new JsonObject
        {
            [TornLine] = damage.FirstLine,
            [TornLineCount] = damage.LineCount,
            [TornOffset] = damage.Offset,
            [TornBytes] = damage.ByteCount,
            [TornSha256] = damage.Sha256,
        });

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
