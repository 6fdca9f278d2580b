using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

public sealed class LandlockLaunchArgumentsTests
{
    [Fact]
    public void Every_option_is_parsed()
    {
        // Act
        var parsed = LandlockLaunchArguments.TryParse(
            ["--write", "/w", "--write", "/r", "--tmpdir", "/t", "--allow-network", "--abi-limit", "2", "--", "bash", "-c", "echo --write"],
            out var options,
            out var error);

        // Assert
        Assert.True(parsed, error);
        Assert.Equal(["/w", "/r"], options!.WritableRoots);
        Assert.Equal(("/t", true, (int?)2), (options.TemporaryDirectory, options.NetworkAllowed, options.AbiLimit));
        Assert.Equal(["bash", "-c", "echo --write"], options.Command);
    }

    [Fact]
    public void Without_options_the_network_is_off_and_nothing_is_writable()
    {
        // Act
        var parsed = LandlockLaunchArguments.TryParse(["--", "true"], out var options, out _);

        // Assert
        Assert.True(parsed);
        Assert.Empty(options!.WritableRoots);
        Assert.Equal(((string?)null, false, (int?)null), (options.TemporaryDirectory, options.NetworkAllowed, options.AbiLimit));
    }

    [Fact]
    public void Arguments_after_the_separator_are_the_command_even_when_they_look_like_options()
    {
        // Act
        var parsed = LandlockLaunchArguments.TryParse(["--", "--write", "/etc", "--"], out var options, out _);

        // Assert
        Assert.True(parsed);
        Assert.Empty(options!.WritableRoots);
        Assert.Equal(["--write", "/etc", "--"], options.Command);
    }

    [Theory]
    [InlineData(new string[0], "no '--'")]
    [InlineData(new[] { "bash", "-c", "true" }, "unknown option 'bash'")]
    [InlineData(new[] { "--write", "/w", "bash" }, "unknown option 'bash'")]
    [InlineData(new[] { "--" }, "no command")]
    [InlineData(new[] { "--", "" }, "no command")]
    [InlineData(new[] { "--bogus", "--", "true" }, "unknown option '--bogus'")]
    [InlineData(new[] { "--write=/w", "--", "true" }, "unknown option '--write=/w'")]
    [InlineData(new[] { "--wr", "/w", "--", "true" }, "unknown option '--wr'")]
    [InlineData(new[] { "-w", "/w", "--", "true" }, "unknown option '-w'")]
    [InlineData(new[] { "--write" }, "--write needs a value")]
    [InlineData(new[] { "--write", "--", "true" }, "--write needs a value")]
    [InlineData(new[] { "--write", "relative", "--", "true" }, "absolute path")]
    [InlineData(new[] { "--write", "", "--", "true" }, "absolute path")]
    [InlineData(new[] { "--write", "/w/../etc", "--", "true" }, "absolute path")]
    [InlineData(new[] { "--write", "/w/./x", "--", "true" }, "absolute path")]
    [InlineData(new[] { "--write", "/w\0/x", "--", "true" }, "absolute path")]
    [InlineData(new[] { "--tmpdir", "/t", "--tmpdir", "/u", "--", "true" }, "--tmpdir is given twice")]
    [InlineData(new[] { "--tmpdir", "tmp", "--", "true" }, "absolute path")]
    [InlineData(new[] { "--allow-network", "--allow-network", "--", "true" }, "--allow-network is given twice")]
    [InlineData(new[] { "--abi-limit", "0", "--", "true" }, "from 1 to")]
    [InlineData(new[] { "--abi-limit", "10", "--", "true" }, "from 1 to")]
    [InlineData(new[] { "--abi-limit", "+3", "--", "true" }, "from 1 to")]
    [InlineData(new[] { "--abi-limit", "three", "--", "true" }, "from 1 to")]
    [InlineData(new[] { "--abi-limit", "2", "--abi-limit", "2", "--", "true" }, "--abi-limit is given twice")]
    public void Malformed_arguments_are_rejected_with_a_reason(string[] arguments, string expectedReason)
    {
        // Act
        var parsed = LandlockLaunchArguments.TryParse(arguments, out var options, out var error);

        // Assert
        Assert.False(parsed);
        Assert.Null(options);
        Assert.Contains(expectedReason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Formatting_and_parsing_give_back_the_same_options()
    {
        // Arrange
        var original = new LandlockLaunchOptions(["/a", "/b c"], "/tmp/x", NetworkAllowed: true, AbiLimit: 4, ["bash", "-c", "echo -- hi"]);

        // Act
        var parsed = LandlockLaunchArguments.TryParse(LandlockLaunchArguments.Format(original), out var roundTripped, out var error);

        // Assert
        Assert.True(parsed, error);
        Assert.Equal(original.WritableRoots, roundTripped!.WritableRoots);
        Assert.Equal(original.Command, roundTripped.Command);
        Assert.Equal(
            (original.TemporaryDirectory, original.NetworkAllowed, original.AbiLimit),
            (roundTripped.TemporaryDirectory, roundTripped.NetworkAllowed, roundTripped.AbiLimit));
    }
}
