using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using AgentExec.Core.Crypto;

namespace AgentExec.Core.Audit;

/// <summary>The byte format of one audit line (SPEC.md "Audit log"), written and checked in one place.</summary>
/// <remarks>
/// <para>
/// A line is <c>{"seq":N,"ts":"…","event":"…",&lt;fields&gt;,"prev":"&lt;64 hex&gt;","hash":"&lt;64 hex&gt;"}</c>, compact.
/// <c>hash</c> is the lowercase hex SHA-256 of the bytes before <c>,"hash":</c> with <c>}</c> appended, so a verifier
/// hashes bytes and never re-serialises.
/// </para>
/// <para>
/// Strings are escaped with <see cref="JavaScriptEncoder.Default"/>: every non-ASCII character, every control and the
/// HTML-sensitive ones become <c>\uXXXX</c>, so the file is pure ASCII. <c>cat</c> or <c>tail -f</c> on the raw log
/// cannot carry an ANSI sequence or a bidirectional control (U+202E…) to a terminal, and the escaping does not depend
/// on the runtime's Unicode tables. <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> was rejected: it passes
/// U+200E, U+202E and U+2066 through raw. The price is <c>\u0026\u0026</c> for <c>&amp;&amp;</c> in the raw file;
/// <c>audit show</c> decodes it. Any valid escaping would verify, since verification works on bytes. The encoder
/// writes a lone surrogate (which valid JSON input can carry) as U+FFFD, so such text never fails an append.
/// </para>
/// </remarks>
internal static class AuditLineFormat
{
    /// <summary>The <c>prev</c> of the first line: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', HashHexLength);

    /// <summary>The nesting limit for writing and reading, the same on both sides so whatever is written can be read.</summary>
    public const int MaxDepth = 64;

    private const int HashHexLength = 64;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.Default,
        Indented = false,
        MaxDepth = MaxDepth,
    };

    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    // The envelope, in the order it is written: seq, ts and event first, prev and hash last.
    private static readonly string[] ReservedNames = ["seq", "ts", "event", "prev", "hash"];

    private static ReadOnlySpan<byte> HashMarker => ",\"hash\":\""u8;

    private static ReadOnlySpan<byte> PrevMarker => ",\"prev\":\""u8;

    private static ReadOnlySpan<byte> LineEnd => "\"}"u8;

    /// <summary>True for the names the log itself writes, which an event's fields may not use.</summary>
    public static bool IsReservedName(string name) => ReservedNames.Contains(name);

    /// <summary>The <c>ts</c> spelling: UTC, ISO 8601, milliseconds, <c>Z</c>.</summary>
    public static string FormatTimestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A writer with the line's options: compact, <see cref="JavaScriptEncoder.Default"/>, <see cref="MaxDepth"/>.</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> buffer) => new(buffer, WriterOptions);

    /// <summary>Writes one line (without its newline) and returns it with its hash.</summary>
    /// <remarks>
    /// The event's fields are already bytes written with <see cref="CreateWriter"/>; they are placed between the
    /// envelope's first members and <c>prev</c> with a comma before each group, which is byte for byte what one
    /// writer would have written for the whole object.
    /// </remarks>
    public static (byte[] Line, string Hash) Encode(long seq, DateTimeOffset time, AuditEvent auditEvent, string prev)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (!IsHashText(prev))
        {
            throw new ArgumentException("prev is not 64 lowercase hex digits.", nameof(prev));
        }

        var buffer = new ArrayBufferWriter<byte>(256 + auditEvent.Members.Length);
        using (var writer = CreateWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", seq);
            writer.WriteString("ts", FormatTimestamp(time));
            writer.WriteString("event", auditEvent.Name);

            // Stop inside the object: the rest is appended as bytes.
            writer.Flush();
        }

        if (!auditEvent.Members.IsEmpty)
        {
            buffer.Write(","u8);
            buffer.Write(auditEvent.Members.Span);
        }

        buffer.Write(PrevMarker);
        buffer.Write(System.Text.Encoding.ASCII.GetBytes(prev));
        buffer.Write("\""u8);

        // What is written now is exactly the hashed prefix: everything before ,"hash":.
        var prefix = buffer.WrittenSpan;
        var hash = ComputeHash(prefix);
        var line = new byte[prefix.Length + HashMarker.Length + HashHexLength + LineEnd.Length];
        prefix.CopyTo(line);
        var rest = line.AsSpan(prefix.Length);
        HashMarker.CopyTo(rest);
        System.Text.Encoding.ASCII.GetBytes(hash, rest[HashMarker.Length..]);
        LineEnd.CopyTo(rest[(HashMarker.Length + HashHexLength)..]);
        return (line, hash);
    }

    /// <summary>Writes one line of an ad hoc event (without its newline) and returns it with its hash.</summary>
    public static (byte[] Line, string Hash) Encode(long seq, DateTimeOffset time, string eventName, System.Text.Json.Nodes.JsonObject fields, string prev) =>
        Encode(seq, time, new AuditEvent(eventName, fields), prev);

    /// <summary>The lowercase hex SHA-256 of <paramref name="prefix"/> followed by <c>}</c>.</summary>
    public static string ComputeHash(ReadOnlySpan<byte> prefix)
    {
        var sha = new Sha256Hash();
        sha.Append(prefix);
        sha.Append("}"u8);
        return sha.FinishHex();
    }

    /// <summary>True for 64 lowercase hex digits.</summary>
    public static bool IsHashText(string text) => text.Length == HashHexLength && text.All(char.IsAsciiHexDigitLower);

    /// <summary>Checks one line (without its newline) on its own: JSON object, envelope, hash last and matching.</summary>
    public static AuditLineInspection Inspect(ReadOnlyMemory<byte> line)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line, ReaderOptions);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return AuditLineInspection.Damaged(AuditDefectKind.NotJson, line.IsEmpty ? "empty line" : $"not valid JSON ({e.Message})");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return AuditLineInspection.Damaged(AuditDefectKind.NotJson, $"a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object");
        }

        try
        {
            return InspectObject(line.Span, root);
        }
        catch (InvalidOperationException e)
        {
            // GetString on an escaped lone surrogate, for instance: the line cannot have been written by us.
            return AuditLineInspection.Damaged(AuditDefectKind.MalformedFields, $"unreadable envelope value ({e.Message})", root);
        }
    }

    private static AuditLineInspection InspectObject(ReadOnlySpan<byte> line, JsonElement root)
    {
        var members = root.EnumerateObject().ToList();
        var missing = ReservedNames.Where(name => !members.Any(m => m.NameEquals(name))).ToList();
        if (missing.Count > 0)
        {
            return AuditLineInspection.Damaged(AuditDefectKind.MissingFields, $"missing {string.Join(", ", missing)}", root);
        }

        if (!members[^1].NameEquals("hash"))
        {
            return AuditLineInspection.Damaged(AuditDefectKind.HashNotLast, "hash is not the last member", root);
        }

        var repeated = ReservedNames.Where(name => members.Count(m => m.NameEquals(name)) > 1).ToList();
        if (repeated.Count > 0)
        {
            return AuditLineInspection.Damaged(AuditDefectKind.MalformedFields, $"{string.Join(", ", repeated)} appears more than once", root);
        }

        if (!members[0].NameEquals("seq") || !members[1].NameEquals("ts") || !members[2].NameEquals("event")
            || !members[^2].NameEquals("prev"))
        {
            return AuditLineInspection.Damaged(
                AuditDefectKind.MalformedFields, "seq, ts and event must come first, in that order, and prev just before hash", root);
        }

        if (members[0].Value.ValueKind != JsonValueKind.Number || !members[0].Value.TryGetInt64(out var seq) || seq < 1)
        {
            return AuditLineInspection.Damaged(AuditDefectKind.MalformedFields, "seq is not a positive integer", root);
        }

        if (members[1].Value.ValueKind != JsonValueKind.String || members[2].Value.ValueKind != JsonValueKind.String
            || members[^2].Value.ValueKind != JsonValueKind.String || members[^1].Value.ValueKind != JsonValueKind.String)
        {
            return AuditLineInspection.Damaged(AuditDefectKind.MalformedFields, "ts, event, prev and hash must be strings", root);
        }

        var prev = members[^2].Value.GetString()!;
        if (!IsHashText(prev))
        {
            return AuditLineInspection.Damaged(AuditDefectKind.MalformedFields, "prev is not 64 lowercase hex digits", root);
        }

        // The hash member must be the exact bytes ,"hash":"<64 lowercase hex>"} at the very end, since the hashed
        // prefix is defined as everything before ,"hash": — whitespace or escapes there would move the boundary.
        var markerStart = line.Length - LineEnd.Length - HashHexLength - HashMarker.Length;
        if (markerStart < 0
            || !line[markerStart..].StartsWith(HashMarker)
            || !line.EndsWith(LineEnd))
        {
            return AuditLineInspection.Damaged(
                AuditDefectKind.MalformedFields, "the line does not end with ,\"hash\":\"<64 lowercase hex>\"}", root);
        }

        var stored = members[^1].Value.GetString()!;
        if (!IsHashText(stored))
        {
            return AuditLineInspection.Damaged(AuditDefectKind.MalformedFields, "hash is not 64 lowercase hex digits", root);
        }

        var computed = ComputeHash(line[..markerStart]);
        if (computed != stored)
        {
            return AuditLineInspection.Damaged(
                AuditDefectKind.HashMismatch, $"hash mismatch: the line says {stored}, its bytes hash to {computed}", root);
        }

        return new AuditLineInspection
        {
            Json = root,
            Seq = seq,
            Timestamp = members[1].Value.GetString()!,
            EventName = members[2].Value.GetString()!,
            Prev = prev,
            Hash = stored,
        };
    }
}
