using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentExec.Core.Audit.Events;

namespace AgentExec.Core.Audit;

/// <summary>One event to record: its name and its fields, already serialized in the order they are written.</summary>
/// <remarks>
/// The fields are held as the bytes that go between <c>"event":…</c> and <c>"prev":…</c> in the line, written with the
/// log's encoder (<see cref="AuditLineFormat"/>), so what is appended is exactly what was built here. The pipeline
/// builds events from typed records (<see cref="For"/>); the <see cref="JsonObject"/> constructor is for ad hoc events
/// (tests, tools).
/// </remarks>
public sealed class AuditEvent
{
    private AuditEvent(string name, byte[] members)
    {
        Name = name;
        Members = members;

        // Read back from the bytes, so the names are exactly those written (a WhenWritingNull field that was left
        // out is not among them); the log checks them against the names it owns.
        using var document = JsonDocument.Parse(Braced(members));
        FieldNames = [.. document.RootElement.EnumerateObject().Select(member => member.Name)];
    }

    /// <summary>An event with ad hoc fields, written in their order.</summary>
    /// <param name="name">The event name (<c>call_received</c>, <c>policy_decision</c>, …).</param>
    /// <param name="fields">The event's fields; <c>seq</c>, <c>ts</c>, <c>event</c>, <c>prev</c> and <c>hash</c> are added by the log.</param>
    public AuditEvent(string name, JsonObject fields)
        : this(name, WriteMembers(writer => WriteObject(writer, fields ?? throw new ArgumentNullException(nameof(fields)))))
    {
    }

    /// <summary>The event name (<c>call_received</c>, <c>policy_decision</c>, …).</summary>
    public string Name { get; }

    /// <summary>The names of the event's fields, in order.</summary>
    public IReadOnlyList<string> FieldNames { get; }

    /// <summary>The event's fields, read back from the bytes that will be written (a fresh copy on every read).</summary>
    public JsonObject Fields => JsonNode.Parse(Braced(Members.Span))!.AsObject();

    /// <summary>The fields as they appear in the line: comma-separated members without the braces; empty for none.</summary>
    internal ReadOnlyMemory<byte> Members { get; }

    /// <summary>The event of <paramref name="record"/>, stamped first with <paramref name="callId"/> when there is one.</summary>
    /// <exception cref="NotSupportedException">The record's type information is not for its own type.</exception>
    public static AuditEvent For(IAuditRecord record, string? callId = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var typeInfo = record.TypeInfo;
        if (typeInfo is null || typeInfo.Type != record.GetType())
        {
            throw new NotSupportedException($"{record.GetType().Name} does not name its own source-generated type information.");
        }

        // The call id goes first, then the record's members from the source-generated serializer; both are written with
        // the line's writer options and joined by dropping the braces between them.
        var stamp = callId is null ? [] : WriteMembers(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString(CallIdName, AuditFieldLimit.Cut(callId, AuditFieldLimit.CallIdBytes));
            writer.WriteEndObject();
        });
        var members = WriteMembers(writer => JsonSerializer.Serialize(writer, record, typeInfo));
        return new AuditEvent(record.EventName, Join(stamp, members));
    }

    private const string CallIdName = "call_id";

    private static void WriteObject(Utf8JsonWriter writer, JsonObject fields)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in fields)
        {
            writer.WritePropertyName(name);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    // Writes one JSON object with the line's writer options and returns its members: the bytes between the braces.
    private static byte[] WriteMembers(Action<Utf8JsonWriter> writeObject)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = AuditLineFormat.CreateWriter(buffer))
        {
            writeObject(writer);
        }

        var written = buffer.WrittenSpan;
        return written[1..^1].ToArray();
    }

    private static byte[] Braced(ReadOnlySpan<byte> members) => [(byte)'{', .. members, (byte)'}'];

    private static byte[] Join(byte[] first, byte[] second) =>
        first.Length == 0 ? second
        : second.Length == 0 ? first
        : [.. first, (byte)',', .. second];
}
