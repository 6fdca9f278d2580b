using System.Text.Json.Nodes;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Policy;

/// <summary>The one JSON rendering of an evaluation, shared by the audit log's <c>policy_decision</c> event and <c>check --json</c>.</summary>
public static class PolicyEvaluationJson
{
    /// <summary>The verdict, reason code, policy, unknown-ness, each part with its rule, and the reason chain.</summary>
    public static JsonObject ToJson(PolicyEvaluation evaluation)
    {
        var parts = new JsonArray();
        foreach (var part in evaluation.Parts)
        {
            parts.Add((JsonNode)new JsonObject
            {
                ["text"] = part.Part.Text,
                ["program"] = part.Part.Program,
                ["arguments"] = Strings(part.Part.Arguments),
                ["wrappers"] = Strings(part.Part.Wrappers),
                ["depth"] = part.Part.Depth,
                ["verdict"] = part.Verdict.ToCode(),
                ["classifier_reason"] = part.Part.Reason,
                ["rule"] = part.Rule is { } rule
                    ? new JsonObject
                    {
                        ["pattern"] = Strings(rule.Pattern),
                        ["decision"] = rule.Decision.ToCode(),
                        ["justification"] = rule.Justification,
                        ["origin"] = rule.Origin == RuleOrigin.User ? "user" : "workspace",
                        ["match"] = part.MatchDoubt is null ? "certain" : "possible",
                        ["doubt"] = part.MatchDoubt,
                    }
                    : null,
            });
        }

        return new JsonObject
        {
            ["verdict"] = evaluation.Verdict.ToCode(),
            ["reason"] = evaluation.Reason is { } reason ? Approval.ApprovalReasonCodes.ToCode(reason) : null,
            ["policy"] = evaluation.Policy.ToCode(),
            ["unknown"] = evaluation.Analysis.UnknownReason,
            ["constructs"] = Strings(evaluation.Analysis.Constructs),
            ["parts"] = parts,
            ["explanation"] = Strings(evaluation.Explanation),
        };
    }

    private static JsonArray Strings(IEnumerable<string> values) =>
        new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
