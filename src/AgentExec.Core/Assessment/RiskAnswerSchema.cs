using System.Text.Json;

namespace AgentExec.Core.Assessment;

/// <summary>
/// The JSON schema the model must answer in (SPEC.md "Risk assessment"), written by hand rather than generated from a
/// type: generation needs reflection (Native AOT), and the schema is part of the contract, so it should read as one.
/// </summary>
/// <remarks>
/// It follows the rules of OpenAI's strict structured outputs: every property required, no additional properties.
/// The 1–500 character bound of <c>description</c> is stated in words and enforced by <see cref="RiskAnswerParser"/>,
/// because strict mode has not accepted <c>minLength</c>/<c>maxLength</c> on every model, and a schema the endpoint
/// rejects would turn every assessment into a <c>model_error</c>.
/// </remarks>
internal static class RiskAnswerSchema
{
    /// <summary>The schema's name in the request (letters, digits, <c>_</c> and <c>-</c> only).</summary>
    public const string Name = "command_risk_assessment";

    /// <summary>The schema's description in the request.</summary>
    public const string Description = "An advisory risk assessment of one shell command.";

    /// <summary>The schema as a JSON element, ready for <c>ChatResponseFormat.ForJsonSchema</c>.</summary>
    public static JsonElement Schema { get; } = Build();

    private static JsonElement Build()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteStartObject("properties");

            writer.WriteStartObject("description");
            writer.WriteString("type", "string");
            writer.WriteString("description", "What the command will most likely do and why it is or is not risky: plain text, one line, 1 to 500 characters.");
            writer.WriteEndObject();

            writer.WriteStartObject("risk_level");
            writer.WriteString("type", "string");
            writer.WriteStartArray("enum");
            writer.WriteStringValue("low");
            writer.WriteStringValue("medium");
            writer.WriteStringValue("high");
            writer.WriteEndArray();
            writer.WriteEndObject();

            writer.WriteStartObject("risk_category");
            writer.WriteString("type", "string");
            writer.WriteStartArray("enum");
            foreach (var category in RiskCategories.All)
            {
                writer.WriteStringValue(category);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();

            writer.WriteEndObject();
            writer.WriteStartArray("required");
            writer.WriteStringValue("description");
            writer.WriteStringValue("risk_level");
            writer.WriteStringValue("risk_category");
            writer.WriteEndArray();
            writer.WriteBoolean("additionalProperties", false);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    /// <summary>The schema as text, for documentation and tests.</summary>
    public static string Text => Schema.GetRawText();
}
