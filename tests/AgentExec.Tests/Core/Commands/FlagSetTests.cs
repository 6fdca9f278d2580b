using AgentExec.Core.Commands;

namespace AgentExec.Tests.Core.Commands;

public sealed class FlagSetTests
{
    [Fact]
    public void Combined_short_flags_split_into_single_flags()
    {
        var flags = FlagSet.ShortAndLongFlags(["-rf", "x"]);

        Assert.Equal(["-f", "-r"], flags.Order());
    }

    [Theory]
    [InlineData("-fr x")]
    [InlineData("-r -f x")]
    [InlineData("-rfv x")]
    [InlineData("x -rf")]
    public void Pattern_flags_are_found_among_the_command_flags_wherever_they_stand(string arguments)
    {
        var pattern = FlagSet.ShortAndLongFlags(["-rf"]);

        var command = FlagSet.ShortAndLongFlags(arguments.Split(' '));

        Assert.True(pattern.IsSubsetOf(command));
    }

    [Fact]
    public void A_missing_flag_is_not_found()
    {
        var pattern = FlagSet.ShortAndLongFlags(["-rf"]);

        var command = FlagSet.ShortAndLongFlags(["-r", "x"]);

        Assert.False(pattern.IsSubsetOf(command));
    }

    [Fact]
    public void Double_dash_ends_the_flags()
    {
        string[] arguments = ["-v", "--", "-rf", "--force"];

        Assert.Equal(["-v"], FlagSet.ShortAndLongFlags(arguments));
        Assert.Equal(["-rf", "--force"], FlagSet.NonFlagArguments(arguments));
    }

    [Fact]
    public void Long_option_with_a_value_is_known_by_its_name_and_as_written()
    {
        var flags = FlagSet.ShortAndLongFlags(["--output=x", "--force"]);

        Assert.Equal(["--force", "--output", "--output=x"], flags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Lone_dash_is_an_operand_not_a_flag()
    {
        Assert.Empty(FlagSet.ShortAndLongFlags(["-"]));
        Assert.Equal(["-"], FlagSet.NonFlagArguments(["-"]));
    }

    [Fact]
    public void Non_flag_arguments_keep_their_order()
    {
        Assert.Equal(["origin", "main"], FlagSet.NonFlagArguments(["push", "-f", "origin", "--tags", "main"]).Skip(1));
    }

    [Theory]
    [InlineData("--output", "--output", true)]
    [InlineData("--output=f", "--output", true)]
    [InlineData("--out=f", "--output", true)]
    [InlineData("--o", "--output", true)]
    [InlineData("--", "--output", false)]
    [InlineData("--output-indicator-new=x", "--output", false)]
    [InlineData("--no-ext-diff", "--ext-diff", false)]
    [InlineData("-o", "--output", false)]
    [InlineData("output", "--output", false)]
    public void Long_option_is_recognised_in_full_or_abbreviated(string argument, string option, bool expected)
    {
        Assert.Equal(expected, FlagSet.NamesLongOption(argument, option));
    }
}
