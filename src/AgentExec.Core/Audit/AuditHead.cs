using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AgentExec.Core.Audit;

/// <summary>The position of the last event written: its <c>seq</c> and <c>hash</c>, to anchor the chain outside the file.</summary>
/// <param name="Seq">The event's sequence number.</param>
/// <param name="Hash">Its lowercase hex SHA-256.</param>
public sealed record AuditHead(long Seq, string Hash)
{
    /// <summary>Renders <c>SEQ:HASH</c>, the form <c>audit verify --expect-head</c> takes.</summary>
    public string ToExpectation() => string.Create(CultureInfo.InvariantCulture, $"{Seq}:{Hash}");

    /// <summary>Parses <c>SEQ:HASH</c> (a positive decimal <c>seq</c>, 64 hex digits); on failure <paramref name="error"/> says what is wrong.</summary>
    /// <remarks>Upper-case hex is accepted and lowered, since a hash copied by hand may have been retyped.</remarks>
    public static bool TryParse(string? text, [NotNullWhen(true)] out AuditHead? head, [NotNullWhen(false)] out string? error)
    {
        head = null;
        var parts = (text ?? "").Trim().Split(':');
        if (parts.Length != 2)
        {
            error = $"expected SEQ:HASH (for example 42:{new string('0', 64)}), got '{text}'";
            return false;
        }

        if (parts[0].Length == 0 || !parts[0].All(char.IsAsciiDigit)
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq < 1)
        {
            error = $"SEQ must be a positive whole number, got '{parts[0]}'";
            return false;
        }

        var hash = parts[1].ToLowerInvariant();
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
        {
            error = $"HASH must be 64 hex digits, got '{parts[1]}' ({parts[1].Length} characters)";
            return false;
        }

        head = new AuditHead(seq, hash);
        error = null;
        return true;
    }
}
