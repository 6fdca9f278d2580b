using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Policy;

/// <summary>Reads the <c>rules</c> array of a config object into <see cref="PolicyRule"/>s, refusing anything malformed.</summary>
/// <remarks>
/// One bad rule makes the whole file invalid: using the other rules would silently change the policy, and a caller keeps
/// the file's last good rules instead (SPEC.md "Who may loosen the policy"). Unknown keys inside a rule are errors, not
/// warnings, because a key we do not understand might have been meant to narrow an <c>allow</c> rule.
/// </remarks>
internal static class RuleListParser
{
    private const string PatternKey = "pattern";
    private const string DecisionKey = "decision";
    private const string JustificationKey = "justification";

    /// <summary>The most rules a workspace config may hold; a project's own tightening rules are a handful.</summary>
    public const int MaximumWorkspaceRules = 256;

    /// <summary>Parses the rules of a config object; a missing <c>rules</c> key means no rules.</summary>
    /// <param name="configRoot">The file's top-level JSON object.</param>
    /// <param name="origin">The file's origin; <see cref="RuleOrigin.Workspace"/> drops <c>allow</c> rules.</param>
    /// <param name="rules">The rules, when the array is valid.</param>
    /// <param name="problem">What is wrong, starting with the JSON path (<c>rules[2].decision: …</c>).</param>
    /// <returns>Whether every rule is valid.</returns>
    public static bool TryParse(
        JsonElement configRoot,
        RuleOrigin origin,
        [NotNullWhen(true)] out ParsedRules? rules,
        [NotNullWhen(false)] out string? problem)
    {
        rules = null;
        if (!configRoot.TryGetProperty(SettingKeys.Rules, out var array))
        {
            rules = new ParsedRules([], []);
            problem = null;
            return true;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            problem = $"{SettingKeys.Rules}: expected an array, got {SettingNames.Describe(array.ValueKind)}";
            return false;
        }

        if (origin == RuleOrigin.Workspace && array.GetArrayLength() > MaximumWorkspaceRules)
        {
            // Every rule is matched against every command of every call, and the agent writes this file: 21,000 rules
            // against a line of a few hundred commands held a core for minutes per call (found by an attack).
            problem = $"{SettingKeys.Rules}: more than {MaximumWorkspaceRules} rules in a workspace config, which the agent can write; keep the many in the user config";
            return false;
        }

        var kept = new List<PolicyRule>();
        var ignored = new List<PolicyRule>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (!TryParseRule(element, origin, $"{SettingKeys.Rules}[{index}]", out var rule, out problem))
            {
                return false;
            }

            if (origin == RuleOrigin.Workspace && rule.Decision == RuleDecision.Allow)
            {
                ignored.Add(rule);
            }
            else
            {
                kept.Add(rule);
            }

            index++;
        }

        rules = new ParsedRules(kept.ToImmutableArray(), ignored.ToImmutableArray());
        problem = null;
        return true;
    }

    /// <summary>Shows a pattern as it is written in a file, for messages: <c>["git","push"]</c>.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <returns>The pattern as a JSON array.</returns>
    public static string Describe(IReadOnlyList<string> pattern) =>
        "[" + string.Join(",", pattern.Select(token => JsonEncodedText.Encode(token).ToString()).Select(token => $"\"{token}\"")) + "]";

    private static bool TryParseRule(
        JsonElement element,
        RuleOrigin origin,
        string path,
        [NotNullWhen(true)] out PolicyRule? rule,
        [NotNullWhen(false)] out string? problem)
    {
        rule = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            problem = $"{path}: expected an object, got {SettingNames.Describe(element.ValueKind)}";
            return false;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is not (PatternKey or DecisionKey or JustificationKey))
            {
                problem = $"{path}: unknown key {SettingNames.Quote(property.Name)}; a rule has only {PatternKey}, {DecisionKey} and {JustificationKey}";
                return false;
            }
        }

        if (!TryParsePattern(element, path, out var pattern, out problem)
            || !TryParseDecision(element, path, out var decision, out problem)
            || !TryParseJustification(element, path, out var justification, out problem))
        {
            return false;
        }

        rule = new PolicyRule(pattern, decision, justification, origin);
        return true;
    }

    private static bool TryParsePattern(
        JsonElement rule,
        string path,
        [NotNullWhen(true)] out IReadOnlyList<string>? pattern,
        [NotNullWhen(false)] out string? problem)
    {
        pattern = null;
        if (!rule.TryGetProperty(PatternKey, out var array))
        {
            problem = $"{path}: missing '{PatternKey}' (an array of words, program first: [\"git\", \"push\"])";
            return false;
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            problem = $"{path}.{PatternKey}: expected a non-empty array of strings, got "
                + (array.ValueKind == JsonValueKind.Array ? "an empty array" : SettingNames.Describe(array.ValueKind));
            return false;
        }

        var tokens = new List<string>();
        var index = 0;
        foreach (var token in array.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.String || token.GetString() is not { Length: > 0 } text)
            {
                problem = $"{path}.{PatternKey}[{index}]: expected a non-empty string, got "
                    + (token.ValueKind == JsonValueKind.String ? "an empty string" : SettingNames.Describe(token.ValueKind));
                return false;
            }

            tokens.Add(text);
            index++;
        }

        pattern = tokens.ToImmutableArray();
        problem = null;
        return true;
    }

    private static bool TryParseDecision(
        JsonElement rule,
        string path,
        out RuleDecision decision,
        [NotNullWhen(false)] out string? problem)
    {
        decision = default;
        if (!rule.TryGetProperty(DecisionKey, out var value))
        {
            problem = $"{path}: missing '{DecisionKey}'; expected {SettingNames.Expected(SettingNames.RuleDecisions)}";
            return false;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problem = $"{path}.{DecisionKey}: expected a string, got {SettingNames.Describe(value.ValueKind)}";
            return false;
        }

        var text = value.GetString()!;
        if (!SettingNames.TryLookUp(SettingNames.RuleDecisions, text, out decision))
        {
            problem = $"{path}.{DecisionKey}: unknown value {SettingNames.Quote(text)}; expected {SettingNames.Expected(SettingNames.RuleDecisions)}";
            return false;
        }

        problem = null;
        return true;
    }

    private static bool TryParseJustification(
        JsonElement rule,
        string path,
        out string? justification,
        [NotNullWhen(false)] out string? problem)
    {
        justification = null;
        problem = null;
        if (!rule.TryGetProperty(JustificationKey, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problem = $"{path}.{JustificationKey}: expected a string, got {SettingNames.Describe(value.ValueKind)}";
            return false;
        }

        // An empty justification explains nothing; treat it as absent so renderers need one test, not two.
        justification = value.GetString() is { Length: > 0 } text ? text : null;
        return true;
    }
}
