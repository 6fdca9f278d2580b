using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentExec.Core.Text;

namespace AgentExec.Core.Audit;

/// <summary>One line of the audit log as read back for <c>audit show</c>: the event, or what is left of a damaged line.</summary>
/// <remarks>
/// Everything in the file is untrusted text: whoever could write the file chose it. <see cref="ToDisplayLine"/>
/// escapes control characters, ANSI escapes and bidirectional controls; <see cref="RawText"/> does not.
/// </remarks>
public sealed record AuditEntry
{
    private const int DamagedTextShown = 200;

    /// <summary>The 1-based line number in the file.</summary>
    public required long Line { get; init; }

    /// <summary>The line's length in bytes, without its newline.</summary>
    public required int ByteCount { get; init; }

    /// <summary>The line decoded as UTF-8 (invalid bytes replaced), unescaped: never print it as is.</summary>
    public required string RawText { get; init; }

    /// <summary>The line as a JSON object, whenever it parses as one.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>Why the line does not verify on its own; null when it does. The chain is checked by <see cref="AuditChainVerifier"/>, not here.</summary>
    public AuditDefectKind? Defect { get; init; }

    /// <summary>The event's <c>seq</c>, for a line that verifies.</summary>
    public long? Seq { get; init; }

    /// <summary>The event's <c>ts</c>, for a line that verifies.</summary>
    public string? Timestamp { get; init; }

    /// <summary>The event's name, for a line that verifies.</summary>
    public string? EventName { get; init; }

    /// <summary>Renders one terminal-safe line: time, seq, event and the event's fields; damaged lines are marked with <c>!</c>.</summary>
    public string ToDisplayLine()
    {
        var text = new StringBuilder();
        if (Defect is null)
        {
            text.Append(Visible(Timestamp!)).Append("  #").Append(Seq!.Value.ToString(CultureInfo.InvariantCulture))
                .Append("  ").Append(Visible(EventName!));
            AppendFields(text, Json!.Value, skipEnvelope: true);
            return text.ToString();
        }

        var code = Defect.Value.ToCode();
        if (Json is { } json)
        {
            text.Append(CultureInfo.InvariantCulture, $"! line {Line} does not verify ({code}):");
            AppendFields(text, json, skipEnvelope: false);
            return text.ToString();
        }

        var shown = UntrustedText.Truncate(RawText, DamagedTextShown);
        text.Append(CultureInfo.InvariantCulture, $"! line {Line} is damaged ({code}, {ByteCount} bytes): \"")
            .Append(Visible(shown)).Append(shown.Length < RawText.Length ? "…\"" : "\"");
        return text.ToString();
    }

    /// <summary>Renders the event as one compact JSON line, ASCII only; a damaged line becomes <c>{"line":N,"defect":CODE,"bytes":B}</c>.</summary>
    /// <remarks>For a line AgentExec wrote, the output is the line's own bytes, since the same encoder wrote both.</remarks>
    public string ToJsonLine()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = AuditLineFormat.CreateWriter(buffer))
        {
            if (Defect is null)
            {
                Json!.Value.WriteTo(writer);
            }
            else
            {
                writer.WriteStartObject();
                writer.WriteNumber("line", Line);
                writer.WriteString("defect", Defect.Value.ToCode());
                writer.WriteNumber("bytes", ByteCount);
                writer.WriteEndObject();
            }
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void AppendFields(StringBuilder text, JsonElement json, bool skipEnvelope)
    {
        foreach (var member in json.EnumerateObject())
        {
            if (member.Name is "prev" or "hash" || (skipEnvelope && member.Name is "seq" or "ts" or "event"))
            {
                continue;
            }

            text.Append(' ').Append(Visible(member.Name)).Append('=');
            if (member.Value.ValueKind == JsonValueKind.String)
            {
                text.Append('"').Append(Visible(member.Value.GetString() ?? "")).Append('"');
            }
            else
            {
                // Objects and arrays show as their JSON text, which may still hold raw bidi or C1 characters if the
                // file was written by someone else: escape it like any other text.
                text.Append(Visible(member.Value.GetRawText()));
            }
        }
    }

    // One event per line: newlines and tabs, which UntrustedText keeps for multi-line messages, are escaped here too.
    private static string Visible(string text) => UntrustedText.EscapeLine(text);
}
