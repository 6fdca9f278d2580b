using System.Text;
using AgentExec.Core.Approval;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// The fuzzers' reference for SPEC.md "Elicitation": the answer table and its "Malformed includes" list, written
/// from the spec's words alone (never from <c>ElicitationAnswerParser</c>), over a <see cref="JsonTree"/> so that it
/// does not read the answer with the library the parser uses either.
/// </summary>
/// <remarks>
/// Three readings where the spec leaves a gap, each the fail-closed one:
/// <list type="bullet">
/// <item>Duplicate keys (in the answer or in <c>content</c>) make an answer that says two things: malformed.</item>
/// <item>An answer with a key or string anywhere in it that is not Unicode text (an escape that leaves half of a
/// surrogate pair; RFC 8259 §8.2 calls what readers make of it unpredictable) is not a JSON text the table can read:
/// malformed.</item>
/// <item>"Equals scope, decision or reason only when case is ignored": ignored by any of Unicode's case mappings
/// (upper case, lower case, case folding), so <c>ſcope</c> (U+017F, whose upper case is S) and <c>decısıon</c> (U+0131,
/// whose upper case is I) are near misses like <c>Scope</c>.</item>
/// </list>
/// </remarks>
internal static class ReferenceAnswerTable
{
    /// <summary>SPEC.md: the note is cut to 500 Unicode code points.</summary>
    public const int NoteCodePoints = 500;

    private static readonly string[] Decisions = ["approved", "approved_for_session", "denied", "abort"];
    private static readonly string[] ContentKeys = ["scope", "decision", "reason"];

    /// <summary>What the table says <paramref name="answer"/> (the whole <c>elicitation/create</c> result) decides.</summary>
    public static ReferenceVerdict Judge(JsonTree answer)
    {
        // "a result that is not an object"
        if (!IsUnicodeThroughout(answer) || answer is not JsonTree.ObjectValue top || !TryReadKeys(top, out var keys))
        {
            return ReferenceVerdict.Malformed;
        }

        // _meta is MCP's extension slot, an object; anything else there is a wrong type.
        if (keys.TryGetValue("_meta", out var meta) && meta is not JsonTree.ObjectValue)
        {
            return ReferenceVerdict.Malformed;
        }

        return keys.TryGetValue("action", out var action) ? WithAction(action, keys) : Legacy(keys);
    }

    private static ReferenceVerdict WithAction(JsonTree action, Dictionary<string, JsonTree> keys)
    {
        // "when action is present, top-level keys other than action, content and _meta"
        if (keys.Keys.Any(key => key is not ("action" or "content" or "_meta")))
        {
            return ReferenceVerdict.Malformed;
        }

        // "unknown or mis-cased action; a non-string action"
        var verb = action is JsonTree.StringValue text ? text.Value : null;
        if (verb is not ("accept" or "decline" or "cancel"))
        {
            return ReferenceVerdict.Malformed;
        }

        string? scope = null, decision = null, note = null;
        if (keys.TryGetValue("content", out var contentValue))
        {
            // "content that is null or not an object"
            if (contentValue is not JsonTree.ObjectValue content || !TryReadKeys(content, out var fields))
            {
                return ReferenceVerdict.Malformed;
            }

            // "a content key that equals scope, decision or reason only when case is ignored"
            if (fields.Keys.Any(key => ContentKeys.Any(special => key != special && Fold(key) == special)))
            {
                return ReferenceVerdict.Malformed;
            }

            // "unknown scope/decision values; wrong types"
            if (fields.TryGetValue("scope", out var scopeValue) && !IsOneOf(scopeValue, ["once", "session"], out scope))
            {
                return ReferenceVerdict.Malformed;
            }

            if (fields.TryGetValue("decision", out var decisionValue) && !IsOneOf(decisionValue, Decisions, out decision))
            {
                return ReferenceVerdict.Malformed;
            }

            // "a non-string reason is malformed"; the note is cut to 500 code points.
            if (fields.TryGetValue("reason", out var reasonValue))
            {
                if (reasonValue is not JsonTree.StringValue reason)
                {
                    return ReferenceVerdict.Malformed;
                }

                note = FirstCodePoints(reason.Value, NoteCodePoints);
            }

            // "Other unknown keys inside content are ignored."
        }

        return verb switch
        {
            "decline" => new ReferenceVerdict(ApprovalDecision.Denied, ApprovalReason.UserDeclined, note),
            "cancel" => new ReferenceVerdict(ApprovalDecision.Abort, ApprovalReason.UserCancelled, note),
            // "D (overrides scope)"
            _ when decision is not null => Decided(decision, note),
            _ when scope == "session" => new ReferenceVerdict(ApprovalDecision.ApprovedForSession, ApprovalReason.UserApproved, note),
            // content absent, {}, {"scope":"once"}, or only keys the table ignores
            _ => new ReferenceVerdict(ApprovalDecision.Approved, ApprovalReason.UserApproved, note),
        };
    }

    // {"decision":D}, Codex's legacy shape: "a legacy answer with any key besides decision and _meta" is malformed.
    private static ReferenceVerdict Legacy(Dictionary<string, JsonTree> keys)
    {
        if (!keys.TryGetValue("decision", out var decisionValue)
            || keys.Keys.Any(key => key is not ("decision" or "_meta"))
            || !IsOneOf(decisionValue, Decisions, out var decision))
        {
            return ReferenceVerdict.Malformed;
        }

        return Decided(decision!, null);
    }

    // SPEC.md "MCP tool shell": user_declined goes with decision denied, user_cancelled with abort.
    private static ReferenceVerdict Decided(string decision, string? note) => decision switch
    {
        "approved" => new ReferenceVerdict(ApprovalDecision.Approved, ApprovalReason.UserApproved, note),
        "approved_for_session" => new ReferenceVerdict(ApprovalDecision.ApprovedForSession, ApprovalReason.UserApproved, note),
        "denied" => new ReferenceVerdict(ApprovalDecision.Denied, ApprovalReason.UserDeclined, note),
        _ => new ReferenceVerdict(ApprovalDecision.Abort, ApprovalReason.UserCancelled, note),
    };

    private static bool IsOneOf(JsonTree value, string[] allowed, out string? chosen)
    {
        chosen = value is JsonTree.StringValue text && allowed.Contains(text.Value, StringComparer.Ordinal) ? text.Value : null;
        return chosen is not null;
    }

    private static bool IsUnicodeThroughout(JsonTree value) => value switch
    {
        JsonTree.StringValue text => JsonTree.IsWellFormed(text.Value),
        JsonTree.ArrayValue array => array.Items.All(IsUnicodeThroughout),
        JsonTree.ObjectValue obj => obj.Members.All(member => JsonTree.IsWellFormed(member.Key) && IsUnicodeThroughout(member.Value)),
        _ => true,
    };

    private static bool TryReadKeys(JsonTree.ObjectValue obj, out Dictionary<string, JsonTree> keys)
    {
        keys = new Dictionary<string, JsonTree>(StringComparer.Ordinal);
        foreach (var (key, value) in obj.Members)
        {
            if (!keys.TryAdd(key, value))
            {
                return false;
            }
        }

        return true;
    }

    // Every way Unicode's case mappings (UnicodeData's upper and lower case, CaseFolding.txt's C, F and T folds) take a
    // character to lower-case ASCII letters; every other character maps only to characters outside ASCII (or to
    // itself), so it can never make a key equal one of the ASCII keys it is compared with.
    private static string Fold(string key)
    {
        var folded = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            folded.Append(c switch
            {
                >= 'A' and <= 'Z' => ((char)(c + 32)).ToString(),
                '\u017F' => "s", // LATIN SMALL LETTER LONG S: upper case S, folds to s
                '\u0131' => "i", // LATIN SMALL LETTER DOTLESS I: upper case I
                '\u0130' => "i", // LATIN CAPITAL LETTER I WITH DOT ABOVE: simple lower case i
                '\u212A' => "k", // KELVIN SIGN: lower case k
                '\u00DF' or '\u1E9E' => "ss", // sharp s, capital sharp s: fold to ss
                '\uFB00' => "ff",
                '\uFB01' => "fi",
                '\uFB02' => "fl",
                '\uFB03' => "ffi",
                '\uFB04' => "ffl",
                '\uFB05' or '\uFB06' => "st",
                _ => c.ToString(),
            });
        }

        return folded.ToString();
    }

    private static string FirstCodePoints(string text, int count)
    {
        var kept = new StringBuilder();
        foreach (var rune in text.EnumerateRunes().Take(count))
        {
            kept.Append(rune.ToString());
        }

        return kept.ToString();
    }
}
