using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using AgentExec.Core.Text;

namespace AgentExec.Core.Assessment;

/// <summary>
/// Reads the model's answer against <see cref="RiskAnswerSchema"/> by hand (no reflection, Native AOT) and checks every
/// field; anything else is a <c>parse_error</c>.
/// </summary>
/// <remarks>
/// <para>
/// Strict where it matters: exactly the three fields, each once; <c>risk_level</c> and <c>risk_category</c> spelled
/// exactly as the SPEC does (an unknown or mis-cased value is an error, not a guess); a description of 1–500 code
/// points. Lenient where it costs nothing: surrounding whitespace, and one Markdown code fence around the object,
/// which servers that ignore the response format like to add.
/// </para>
/// <para>
/// The description is made one line (line breaks and tabs become spaces) because it is shown after <c>Risk: …</c> in
/// the question, where a line break could pass for a line of AgentExec's own.
/// </para>
/// </remarks>
internal static class RiskAnswerParser
{
    /// <summary>The longest description accepted, in Unicode code points (SPEC.md).</summary>
    public const int MaxDescriptionCodePoints = 500;

    /// <summary>The largest answer looked at, in characters; a real one is a few hundred.</summary>
    public const int MaxAnswerLength = 16 * 1024;

    private const string DescriptionField = "description";
    private const string LevelField = "risk_level";
    private const string CategoryField = "risk_category";

    private static readonly JsonDocumentOptions Strict = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = 4,
    };

    /// <summary>Parses and validates the model's answer.</summary>
    /// <param name="answer">The answer's text.</param>
    /// <param name="risk">The assessment, when valid.</param>
    /// <param name="problem">What is wrong, for the log (model text in it is escaped).</param>
    /// <returns>Whether the answer is a valid assessment.</returns>
    public static bool TryParse(string answer, [NotNullWhen(true)] out RiskAssessment? risk, [NotNullWhen(false)] out string? problem)
    {
        risk = null;
        if (answer.Length > MaxAnswerLength)
        {
            problem = $"the answer is {answer.Length} characters long; an assessment is a few hundred";
            return false;
        }

        var json = Unfence(answer.Trim());
        if (json.Length == 0)
        {
            problem = "the answer is empty";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Strict);
        }
        catch (JsonException exception)
        {
            problem = "the answer is not valid JSON: " + UntrustedText.Escape(exception.Message);
            return false;
        }

        using (document)
        {
            return TryRead(document.RootElement, out risk, out problem);
        }
    }

    private static bool TryRead(JsonElement root, [NotNullWhen(true)] out RiskAssessment? risk, [NotNullWhen(false)] out string? problem)
    {
        risk = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = $"the answer is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object";
            return false;
        }

        string? description = null, level = null, category = null;
        foreach (var property in root.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                problem = $"'{UntrustedText.Escape(property.Name)}' is a JSON {property.Value.ValueKind.ToString().ToLowerInvariant()}, not a string";
                return false;
            }

            var value = property.Value.GetString()!;
            switch (property.Name)
            {
                case DescriptionField:
                    description = value;
                    break;
                case LevelField:
                    level = value;
                    break;
                case CategoryField:
                    category = value;
                    break;
                default:
                    problem = $"unexpected field '{UntrustedText.Escape(property.Name)}'";
                    return false;
            }
        }

        if (description is null || level is null || category is null)
        {
            problem = $"missing field '{(description is null ? DescriptionField : level is null ? LevelField : CategoryField)}'";
            return false;
        }

        if (!TryReadLevel(level, out var riskLevel))
        {
            problem = $"unknown risk_level '{Shown(level)}'; expected low, medium or high";
            return false;
        }

        if (!RiskCategories.IsKnown(category))
        {
            problem = $"unknown risk_category '{Shown(category)}'; expected one of {string.Join(", ", RiskCategories.All)}";
            return false;
        }

        var oneLine = OneLine(description);
        var length = oneLine.EnumerateRunes().Count();
        if (length is 0 or > MaxDescriptionCodePoints)
        {
            problem = length == 0
                ? "the description is empty"
                : $"the description is {length} characters long; at most {MaxDescriptionCodePoints} are allowed";
            return false;
        }

        risk = new RiskAssessment(oneLine, riskLevel, category);
        problem = null;
        return true;
    }

    private static bool TryReadLevel(string level, out RiskLevel riskLevel)
    {
        (var known, riskLevel) = level switch
        {
            "low" => (true, RiskLevel.Low),
            "medium" => (true, RiskLevel.Medium),
            "high" => (true, RiskLevel.High),
            _ => (false, RiskLevel.High),
        };
        return known;
    }

    private static string OneLine(string text)
    {
        var line = new StringBuilder(text.Length);
        foreach (var c in text.Trim())
        {
            var isBreak = c is '\n' or '\r' or '\t' or '\u0085' or '\u2028' or '\u2029';
            if (isBreak && (line.Length == 0 || line[^1] == ' '))
            {
                continue;
            }

            line.Append(isBreak ? ' ' : c);
        }

        return line.ToString().TrimEnd();
    }

    private static string Unfence(string text)
    {
        if (!text.StartsWith("```", StringComparison.Ordinal) || !text.EndsWith("```", StringComparison.Ordinal) || text.Length < 6)
        {
            return text;
        }

        var firstLineEnd = text.IndexOf('\n', StringComparison.Ordinal);
        return firstLineEnd < 0 ? text : text[(firstLineEnd + 1)..^3].Trim();
    }

    private static string Shown(string value) => UntrustedText.Escape(UntrustedText.Truncate(value, 40));
}
