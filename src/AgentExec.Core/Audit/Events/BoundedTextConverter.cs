using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentExec.Core.Audit.Events;

/// <summary>Writes a string field cut to a UTF-8 bound (<see cref="AuditFieldLimit.Cut"/>); reads it back unchanged.</summary>
/// <remarks>
/// The bound is applied here, by the serializer, so a record always holds the whole value and no caller can forget
/// the cut. A null is written as <c>null</c> by the serializer itself and never reaches this converter.
/// </remarks>
internal abstract class BoundedTextConverter(int maxUtf8Bytes) : JsonConverter<string>
{
    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(AuditFieldLimit.Cut(value, maxUtf8Bytes));
    }
}
