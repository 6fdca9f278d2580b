using AgentExec.Core.Assessment;

namespace AgentExec.Tests.Core.Assessment;

public sealed class RiskAnswerParserTests
{
    [Fact]
    public void A_valid_answer_becomes_an_assessment()
    {
        // Act
        var parsed = RiskAnswerParser.TryParse(
            """{"description":"Deletes the build directory.","risk_level":"high","risk_category":"data_deletion"}""",
            out var risk,
            out _);

        // Assert
        Assert.True(parsed);
        Assert.Equal(new RiskAssessment("Deletes the build directory.", RiskLevel.High, "data_deletion"), risk);
    }

    [Fact]
    public void A_fenced_answer_with_line_breaks_in_its_description_becomes_one_line()
    {
        // Act
        var parsed = RiskAnswerParser.TryParse(
            "```json\n{\"description\":\"Lists files.\\nNothing else.\",\"risk_level\":\"low\",\"risk_category\":\"none\"}\n```",
            out var risk,
            out _);

        // Assert
        Assert.True(parsed);
        Assert.Equal("Lists files. Nothing else.", risk!.Description);
    }

    [Theory]
    [InlineData("", "the answer is empty")]
    [InlineData("   ", "the answer is empty")]
    [InlineData("I think it is risky.", "not valid JSON")]
    [InlineData("""{"description":"x","risk_level":"low","risk_category":"none",}""", "not valid JSON")]
    [InlineData("""["low"]""", "a JSON array, not an object")]
    [InlineData("""{"description":"x","risk_level":"critical","risk_category":"none"}""", "unknown risk_level 'critical'")]
    [InlineData("""{"description":"x","risk_level":"High","risk_category":"none"}""", "unknown risk_level 'High'")]
    [InlineData("""{"description":"x","risk_level":"low","risk_category":"data_loss"}""", "unknown risk_category 'data_loss'")]
    [InlineData("""{"description":"x","risk_level":"low"}""", "missing field 'risk_category'")]
    [InlineData("""{"risk_level":"low","risk_category":"none"}""", "missing field 'description'")]
    [InlineData("""{"description":"x","risk_level":"low","risk_category":"none","approve":"yes"}""", "unexpected field 'approve'")]
    [InlineData("""{"description":"x","risk_level":2,"risk_category":"none"}""", "'risk_level' is a JSON number, not a string")]
    [InlineData("""{"description":" \n ","risk_level":"low","risk_category":"none"}""", "the description is empty")]
    [InlineData("""{"description":"x","description":"y","risk_level":"low","risk_category":"none"}""", "not valid JSON")]
    public void An_answer_that_is_not_valid_against_the_schema_is_refused_with_a_reason(string answer, string expected)
    {
        // Act
        var parsed = RiskAnswerParser.TryParse(answer, out _, out var problem);

        // Assert
        Assert.False(parsed);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_description_longer_than_500_code_points_is_refused_and_500_are_accepted()
    {
        // Arrange: astral characters count once each.
        string Answer(int codePoints) =>
            $$"""{"description":"{{string.Concat(Enumerable.Repeat("\U0001F600", codePoints))}}","risk_level":"low","risk_category":"none"}""";

        // Act
        var accepted = RiskAnswerParser.TryParse(Answer(500), out _, out _);
        var refused = RiskAnswerParser.TryParse(Answer(501), out _, out var problem);

        // Assert
        Assert.True(accepted);
        Assert.False(refused);
        Assert.Equal("the description is 501 characters long; at most 500 are allowed", problem);
    }

    [Fact]
    public void The_schema_requires_exactly_the_three_fields_with_the_spec_values()
    {
        // Act
        var schema = RiskAnswerSchema.Text;

        // Assert
        Assert.Contains("\"required\":[\"description\",\"risk_level\",\"risk_category\"]", schema, StringComparison.Ordinal);
        Assert.Contains("\"additionalProperties\":false", schema, StringComparison.Ordinal);
        Assert.Contains("\"enum\":[\"low\",\"medium\",\"high\"]", schema, StringComparison.Ordinal);
        Assert.Contains(
            "\"enum\":[\"data_deletion\",\"data_exfiltration\",\"privilege_escalation\",\"system_modification\",\"network_access\",\"resource_exhaustion\",\"compliance\",\"none\"]",
            schema,
            StringComparison.Ordinal);
    }
}
