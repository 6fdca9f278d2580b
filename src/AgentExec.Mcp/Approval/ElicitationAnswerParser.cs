using System.Text.Json;
using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Core.Text;

namespace AgentExec.Mcp.Approval;

/// <summary>
/// SPEC.md's answer table, in one place: the client's raw <c>elicitation/create</c> result in, an
/// <see cref="ApprovalOutcome"/> out. Total: every input maps to an outcome and nothing throws; whatever the
/// table does not list is <c>malformed_response</c>, a denial.
/// </summary>
internal static class ElicitationAnswerParser
{
    /// <summary>The longest note kept from <c>content.reason</c>, in Unicode code points.</summary>
    public const int MaxNoteCodePoints = 500;

    private static readonly string[] SpecialContentKeys = ["scope", "decision", "reason"];

    /// <summary>Maps the JSON-RPC result as the SDK hands it over (a JSON <c>null</c> arrives as a null node) to its outcome.</summary>
    public static ApprovalOutcome Parse(JsonNode? result)
    {
        JsonElement answer;
        try
        {
            answer = JsonSerializer.SerializeToElement(result, McpJsonContext.Default.JsonNode);
        }
        catch (JsonException)
        {
            // A node keeps a string escape that leaves half of a surrogate pair ("\ud800") but cannot write it out
            // again: an answer with no text where the table wants words, not a failure of the client.
            return Malformed("a key or string is not valid Unicode text");
        }

        return Parse(answer);
    }

    /// <summary>Maps a raw answer to its outcome.</summary>
    public static ApprovalOutcome Parse(JsonElement answer) =>
        // The server's reading, Parse(JsonNode?), cannot write such text out again wherever it is in the answer; the
        // element is held to the same rule, so an answer decides alike however it was read.
        JsonUnicode.EveryStringDecodes(answer) ? ParseAnswer(answer) : Malformed("a key or string is not valid Unicode text");

    private static ApprovalOutcome ParseAnswer(JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object)
        {
            return Malformed($"result is {Describe(answer.ValueKind)}, not an object");
        }

        if (!TryReadProperties(answer, out var top, out var duplicate))
        {
            return Malformed($"duplicate key \"{duplicate}\"");
        }

        if (top.TryGetValue("_meta", out var meta) && meta.ValueKind != JsonValueKind.Object)
        {
            return Malformed("_meta is not an object");
        }

        return top.TryGetValue("action", out var action)
            ? ParseAction(action, top)
            : ParseLegacy(top);
    }

    private static ApprovalOutcome ParseAction(JsonElement action, Dictionary<string, JsonElement> top)
    {
        foreach (var key in top.Keys)
        {
            if (key is not ("action" or "content" or "_meta"))
            {
                return Malformed($"unexpected top-level key \"{key}\" beside action");
            }
        }

        if (action.ValueKind != JsonValueKind.String)
        {
            return Malformed($"action is {Describe(action.ValueKind)}, not a string");
        }

        var verb = action.GetString();
        if (verb is not ("accept" or "decline" or "cancel"))
        {
            return Malformed("unknown action");
        }

        var content = new ContentFields(null, null, null);
        if (top.TryGetValue("content", out var contentElement))
        {
            var parsed = ParseContent(contentElement);
            if (parsed.Error is { } error)
            {
                return Malformed(error);
            }

            content = parsed.Fields!;
        }

        return verb switch
        {
            "decline" => new ApprovalOutcome(ApprovalDecision.Denied, ApprovalSource.User, ApprovalReason.UserDeclined, content.Note, AnswerShape: "decline"),
            "cancel" => new ApprovalOutcome(ApprovalDecision.Abort, ApprovalSource.User, ApprovalReason.UserCancelled, content.Note, AnswerShape: "cancel"),
            _ when content.Decision is { } decision => Decided(decision, content.Note, $"accept with decision {decision.ToCode()}"),
            _ when content.Scope == "session" => new ApprovalOutcome(ApprovalDecision.ApprovedForSession, ApprovalSource.User, ApprovalReason.UserApproved, content.Note, AnswerShape: "accept with scope session"),
            _ => new ApprovalOutcome(ApprovalDecision.Approved, ApprovalSource.User, ApprovalReason.UserApproved, content.Note, AnswerShape: "accept"),
        };
    }

    private static ApprovalOutcome ParseLegacy(Dictionary<string, JsonElement> top)
    {
        // Codex's legacy shape: {"decision": D}, with nothing else but _meta.
        if (!top.TryGetValue("decision", out var decisionElement))
        {
            return Malformed("neither action nor decision");
        }

        foreach (var key in top.Keys)
        {
            if (key is not ("decision" or "_meta"))
            {
                return Malformed($"unexpected key \"{key}\" in a legacy decision answer");
            }
        }

        var decision = ReadDecision(decisionElement);
        return decision is null
            ? Malformed("unknown or mistyped legacy decision")
            : Decided(decision.Value, null, $"legacy decision {decision.Value.ToCode()}");
    }

    private static (ContentFields? Fields, string? Error) ParseContent(JsonElement content)
    {
        if (content.ValueKind != JsonValueKind.Object)
        {
            return (null, $"content is {Describe(content.ValueKind)}, not an object");
        }

        if (!TryReadProperties(content, out var fields, out var duplicate))
        {
            return (null, $"duplicate key \"{duplicate}\" in content");
        }

        foreach (var key in fields.Keys)
        {
            // "Scope" or "DECISION" would be a near miss that some client might mean: refuse rather than guess.
            // OrdinalIgnoreCase leaves out the three non-ASCII letters that Unicode's case mappings turn into letters
            // of these keys (U+017F's upper case is S, U+0131's is I, U+0130's lower case is i), so map them first.
            var caseless = key.Replace('\u017F', 's').Replace('\u0131', 'i').Replace('\u0130', 'i');
            foreach (var special in SpecialContentKeys)
            {
                if (!string.Equals(key, special, StringComparison.Ordinal) && string.Equals(caseless, special, StringComparison.OrdinalIgnoreCase))
                {
                    return (null, $"content key \"{key}\" differs from \"{special}\" only in case");
                }
            }
        }

        string? scope = null;
        if (fields.TryGetValue("scope", out var scopeElement))
        {
            scope = scopeElement.ValueKind == JsonValueKind.String ? scopeElement.GetString() : null;
            if (scope is not ("once" or "session"))
            {
                return (null, "unknown or mistyped scope");
            }
        }

        ApprovalDecision? decision = null;
        if (fields.TryGetValue("decision", out var decisionElement))
        {
            decision = ReadDecision(decisionElement);
            if (decision is null)
            {
                return (null, "unknown or mistyped decision");
            }
        }

        string? note = null;
        if (fields.TryGetValue("reason", out var reasonElement))
        {
            if (reasonElement.ValueKind != JsonValueKind.String)
            {
                return (null, $"reason is {Describe(reasonElement.ValueKind)}, not a string");
            }

            note = UntrustedText.Truncate(reasonElement.GetString()!, MaxNoteCodePoints);
        }

        return (new ContentFields(scope, decision, note), null);
    }

    private static ApprovalDecision? ReadDecision(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? ApprovalReasonCodes.ParseDecision(element.GetString()!) : null;

    private static ApprovalOutcome Decided(ApprovalDecision decision, string? note, string shape) => new(
        decision,
        ApprovalSource.User,
        decision switch
        {
            ApprovalDecision.Denied => ApprovalReason.UserDeclined,
            ApprovalDecision.Abort => ApprovalReason.UserCancelled,
            _ => ApprovalReason.UserApproved,
        },
        note,
        AnswerShape: shape);

    /// <summary>The denial for an answer outside the table, with what was wrong as its recorded shape.</summary>
    public static ApprovalOutcome Malformed(string why) =>
        ApprovalOutcome.DeniedByChannel(ApprovalReason.MalformedResponse, "malformed: " + why);

    // JSON allows duplicate names and parsers disagree on which one wins; an answer that says two things is refused.
    private static bool TryReadProperties(JsonElement element, out Dictionary<string, JsonElement> properties, out string? duplicate)
    {
        properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        duplicate = null;
        foreach (var property in element.EnumerateObject())
        {
            if (!properties.TryAdd(property.Name, property.Value))
            {
                duplicate = property.Name;
                return false;
            }
        }

        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        _ => "missing",
    };

    private sealed record ContentFields(string? Scope, ApprovalDecision? Decision, string? Note);
}
