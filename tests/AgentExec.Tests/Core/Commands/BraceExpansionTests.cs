using AgentExec.Core.Commands;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Commands;

public class BraceExpansionTests
{
    [Theory]
    [InlineData("a{b,c}d", "abd|acd")]
    [InlineData("{a,b}{1,2}", "a1|a2|b1|b2")]
    [InlineData("x{a,{b,c}}y", "xay|xby|xcy")]
    [InlineData("~/{.netrc,x}", "~/.netrc|~/x")]
    [InlineData("f{,.bak}", "f|f.bak")]
    [InlineData("plain", "plain")]
    [InlineData("lone{brace}", "lone{brace}")]
    [InlineData("esc\\{a,b}", "esc\\{a,b}")]
    [InlineData("n{1..3}", "n*")]
    public void Braces_expand_to_every_word_bash_could_make(string pattern, string expected)
    {
        var words = BraceExpansion.Expand(pattern).Select(expanded => expanded.Word);

        Assert.Equal(expected.Split('|'), words);
    }

    [Fact]
    public void A_sequence_is_marked_as_a_pattern_and_a_list_is_not()
    {
        Assert.True(BraceExpansion.Expand("n{1..3}").Single().HasSequence);
        Assert.All(BraceExpansion.Expand("{a,b}"), expanded => Assert.False(expanded.HasSequence));
    }

    [Fact]
    public void The_words_are_made_one_at_a_time_so_a_caller_can_stop_early()
    {
        // 2^40 words if materialised: taking a few must return at once.
        var pattern = string.Concat(Enumerable.Repeat("{a,b}", 40));

        Assert.Equal(3, BraceExpansion.Expand(pattern).Take(3).Count());
    }

    [Fact]
    public void Braces_too_deep_or_too_long_are_not_expanded_and_the_credential_check_takes_the_stricter_answer()
    {
        var deep = "cat ~/" + string.Concat(Enumerable.Repeat("{a,", 9)) + "b" + new string('}', 9);

        Assert.False(BraceExpansion.CanExpand(deep[6..]));
        Assert.Throws<ArgumentException>(() => BraceExpansion.Expand(deep[6..]));
        using var machine = new ProofMachine();
        var analysis = machine.Analyze(deep, credentialsHidden: false);
        Assert.Contains(analysis.Parts, part => part.Safety == CommandSafety.Dangerous && part.Reason.Contains("too deep", StringComparison.Ordinal));
    }
}
