using System.Text.Json;
using AgentExec.Mcp.Tools;

namespace AgentExec.Tests.Mcp.Tools;

/// <summary>The shell tool's hand-written argument reader is total: hostile JSON is a message naming the field, never an exception.</summary>
public sealed class ShellToolInputTests
{
    [Theory]
    [InlineData("""{"command":"ls \ud800"}""", "command")]
    [InlineData("""{"command":"ls","workdir":"/tmp/\udc00"}""", "workdir")]
    [InlineData("""{"command":"ls","justification":"why \ud83d"}""", "justification")]
    [InlineData("""{"command":"ls","sandbox_permissions":"\ud800"}""", "sandbox_permissions")]
    public void A_string_argument_holding_half_a_surrogate_pair_is_refused_naming_the_field(string json, string field)
    {
        // Arrange: JSON lets a client escape half a surrogate pair, and JsonElement.GetString throws on it. (Today the
        // SDK's own parameter binding throws first, before the tool is called; the reader must not rely on that.)
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

        // Act
        var read = ShellToolInput.TryRead(arguments, out var input, out var error);

        // Assert
        Assert.False(read);
        Assert.Null(input);
        Assert.StartsWith(field + ": ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Positive_control_the_same_arguments_with_a_whole_pair_are_read()
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("""{"command":"ls \ud83d\ude00","justification":"why \ud83d\ude00"}""")!;

        var read = ShellToolInput.TryRead(arguments, out var input, out var error);

        Assert.True(read, error);
        Assert.Equal("ls 😀", input!.Command);
    }
}
