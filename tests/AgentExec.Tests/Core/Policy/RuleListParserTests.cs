using System.Text.Json;
using AgentExec.Core.Configuration;
using AgentExec.Core.Policy;

namespace AgentExec.Tests.Core.Policy;

public sealed class RuleListParserTests
{
    [Fact]
    public void Rules_are_read_in_file_order_with_their_decision_justification_and_origin()
    {
        // Arrange
        var root = Parse("""
            { "rules": [
              { "pattern": ["git", "push"], "decision": "prompt", "justification": "pushes leave the machine" },
              { "pattern": ["rm", "-rf", "/"], "decision": "forbidden" },
              { "pattern": ["npm", "test"], "decision": "allow", "justification": "" } ] }
            """);

        // Act
        var parsed = RuleListParser.TryParse(root, RuleOrigin.User, out var rules, out var problem);

        // Assert
        Assert.True(parsed, problem);
        Assert.Equal(
            [
                ("git push", RuleDecision.Prompt, "pushes leave the machine", RuleOrigin.User),
                ("rm -rf /", RuleDecision.Forbidden, null, RuleOrigin.User),
                ("npm test", RuleDecision.Allow, null, RuleOrigin.User),
            ],
            rules!.Rules.Select(rule => (string.Join(' ', rule.Pattern), rule.Decision, rule.Justification, rule.Origin)));
        Assert.Empty(rules.IgnoredAllowRules);
    }

    [Fact]
    public void A_workspace_file_keeps_prompt_and_forbidden_rules_and_sets_allow_rules_aside()
    {
        // Arrange
        var root = Parse("""
            { "rules": [
              { "pattern": ["git", "push"], "decision": "prompt" },
              { "pattern": ["curl"], "decision": "allow" },
              { "pattern": ["rm", "-rf"], "decision": "forbidden" } ] }
            """);

        // Act
        var parsed = RuleListParser.TryParse(root, RuleOrigin.Workspace, out var rules, out var problem);

        // Assert
        Assert.True(parsed, problem);
        Assert.Equal([RuleDecision.Prompt, RuleDecision.Forbidden], rules!.Rules.Select(rule => rule.Decision));
        Assert.All(rules.Rules, rule => Assert.Equal(RuleOrigin.Workspace, rule.Origin));
        Assert.Equal(["curl"], Assert.Single(rules.IgnoredAllowRules).Pattern);
    }

    [Theory]
    [InlineData(RuleOrigin.Workspace, 256, true)]
    [InlineData(RuleOrigin.Workspace, 257, false)]
    [InlineData(RuleOrigin.User, 2_000, true)]
    public void A_workspace_file_holds_at_most_256_rules(RuleOrigin origin, int count, bool accepted)
    {
        // Found by an attack: 21,000 rules in the workspace's agentexec.json, matched against every command of a line of a
        // few hundred, held a core for minutes per call. The user's own config is not bounded.
        var rules = string.Join(",", Enumerable.Repeat("""{ "pattern": ["ls", "-N"], "decision": "prompt" }""", count));
        var root = Parse($$"""{ "rules": [{{rules}}] }""");

        var parsed = RuleListParser.TryParse(root, origin, out _, out var problem);

        Assert.Equal(accepted, parsed);
        if (!accepted)
        {
            Assert.Equal("rules: more than 256 rules in a workspace config, which the agent can write; keep the many in the user config", problem);
        }
    }

    [Fact]
    public void A_file_without_rules_has_no_rules()
    {
        // Arrange
        var root = Parse("""{ "sandbox": "read-only" }""");

        // Act
        var parsed = RuleListParser.TryParse(root, RuleOrigin.User, out var rules, out _);

        // Assert
        Assert.True(parsed);
        Assert.Empty(rules!.Rules);
    }

    [Theory]
    [InlineData("""{ "rules": [ { "pattern": ["git"], "decision": "deny" } ] }""", "rules[0].decision: unknown value 'deny'; expected allow, prompt, forbidden")]
    [InlineData("""{ "rules": [ { "pattern": ["git"], "decision": "Forbidden" } ] }""", "rules[0].decision: unknown value 'Forbidden'; expected allow, prompt, forbidden")]
    [InlineData("""{ "rules": [ { "pattern": ["git"] } ] }""", "rules[0]: missing 'decision'; expected allow, prompt, forbidden")]
    [InlineData("""{ "rules": [ { "pattern": ["git"], "decision": 2 } ] }""", "rules[0].decision: expected a string, got a number")]
    [InlineData("""{ "rules": [ { "decision": "forbidden" } ] }""", "rules[0]: missing 'pattern' (an array of words, program first: [\"git\", \"push\"])")]
    [InlineData("""{ "rules": [ { "pattern": [], "decision": "forbidden" } ] }""", "rules[0].pattern: expected a non-empty array of strings, got an empty array")]
    [InlineData("""{ "rules": [ { "pattern": "rm -rf", "decision": "forbidden" } ] }""", "rules[0].pattern: expected a non-empty array of strings, got a string")]
    [InlineData("""{ "rules": [ { "pattern": ["rm", ""], "decision": "forbidden" } ] }""", "rules[0].pattern[1]: expected a non-empty string, got an empty string")]
    [InlineData("""{ "rules": [ { "pattern": ["rm", 1], "decision": "forbidden" } ] }""", "rules[0].pattern[1]: expected a non-empty string, got a number")]
    [InlineData("""{ "rules": [ { "pattern": ["rm"], "decision": "forbidden", "justification": 5 } ] }""", "rules[0].justification: expected a string, got a number")]
    [InlineData("""{ "rules": [ { "pattern": ["git"], "decision": "allow", "only": "status" } ] }""", "rules[0]: unknown key 'only'; a rule has only pattern, decision and justification")]
    [InlineData("""{ "rules": [ { "pattern": ["ls"], "decision": "allow" }, "rm" ] }""", "rules[1]: expected an object, got a string")]
    [InlineData("""{ "rules": { "pattern": ["ls"] } }""", "rules: expected an array, got an object")]
    public void A_malformed_rule_makes_the_whole_list_invalid_with_its_json_path(string json, string expectedProblem)
    {
        // Arrange
        var root = Parse(json);

        // Act
        var parsed = RuleListParser.TryParse(root, RuleOrigin.User, out var rules, out var problem);

        // Assert
        Assert.False(parsed);
        Assert.Null(rules);
        Assert.Equal(expectedProblem, problem);
    }

    [Fact]
    public void The_rules_returned_cannot_be_changed_by_a_caller()
    {
        // Arrange
        var root = Parse("""{ "rules": [ { "pattern": ["rm", "-rf"], "decision": "forbidden" } ] }""");

        // Act
        RuleListParser.TryParse(root, RuleOrigin.User, out var rules, out _);

        // Assert
        Assert.False(rules!.Rules is IList<PolicyRule> { IsReadOnly: false });
        Assert.False(rules.Rules[0].Pattern is IList<string> { IsReadOnly: false });
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
