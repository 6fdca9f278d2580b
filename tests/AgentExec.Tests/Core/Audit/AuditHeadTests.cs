using AgentExec.Core.Audit;

namespace AgentExec.Tests.Core.Audit;

public sealed class AuditHeadTests
{
    private static readonly string Hash = new string('a', 63) + "f";

    [Fact]
    public void A_head_prints_and_parses_as_seq_colon_hash()
    {
        // Arrange
        var head = new AuditHead(42, Hash);

        // Act
        var parsed = AuditHead.TryParse(head.ToExpectation(), out var result, out var error);

        // Assert
        Assert.True(parsed, error);
        Assert.Equal(head, result);
    }

    [Fact]
    public void Upper_case_hex_is_accepted_and_lowered()
    {
        // Act
        var parsed = AuditHead.TryParse("7:" + Hash.ToUpperInvariant(), out var head, out _);

        // Assert
        Assert.True(parsed);
        Assert.Equal(new AuditHead(7, Hash), head);
    }

    [Theory]
    [InlineData("", "expected SEQ:HASH")]
    [InlineData("42", "expected SEQ:HASH")]
    [InlineData("1:2:3", "expected SEQ:HASH")]
    [InlineData("0:{hash}", "SEQ must be a positive whole number")]
    [InlineData("-3:{hash}", "SEQ must be a positive whole number")]
    [InlineData("+3:{hash}", "SEQ must be a positive whole number")]
    [InlineData("x:{hash}", "SEQ must be a positive whole number")]
    [InlineData("99999999999999999999:{hash}", "SEQ must be a positive whole number")]
    [InlineData("3:abc", "HASH must be 64 hex digits")]
    [InlineData("3:{hash}0", "HASH must be 64 hex digits")]
    [InlineData("3:{hash-with-g}", "HASH must be 64 hex digits")]
    public void Bad_input_is_refused_with_a_message_that_says_what_is_wrong(string text, string expected)
    {
        // Arrange
        text = text.Replace("{hash-with-g}", new string('g', 64), StringComparison.Ordinal).Replace("{hash}", Hash, StringComparison.Ordinal);

        // Act
        var parsed = AuditHead.TryParse(text, out var head, out var error);

        // Assert
        Assert.False(parsed);
        Assert.Null(head);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }
}
