using System.Text.Json;
using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.Mcp;

/// <summary>The <c>shell</c> result's text block, as the SDK's own client receives it: readable, yet no control or bidi character passes.</summary>
public sealed class ShellToolTextBlockTests
{
    [Fact]
    public async Task Non_ASCII_text_and_markup_characters_in_the_output_are_literal_in_the_text_block()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        await using var client = await server.ConnectAsync(new ModelContextProtocol.Client.McpClientOptions());

        // Act
        var result = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = "printf '%s\\n' \"é <b>&' 😀\"" });

        // Assert
        var text = TextBlock(result);
        Assert.Equal("completed", ShellScenario.Field(result.StructuredContent, "status"));
        Assert.Contains("\"stdout\":\"é <b>&' 😀\\n\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", text, StringComparison.Ordinal);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(text).RootElement, result.StructuredContent!.Value));
    }

    [Fact]
    public async Task Bidi_and_escape_characters_in_the_output_are_escaped_in_the_text_block()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        await using var client = await server.ConnectAsync(new ModelContextProtocol.Client.McpClientOptions());

        // Act: U+202E (RIGHT-TO-LEFT OVERRIDE) as UTF-8 bytes, then ESC.
        var result = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = "printf 'txt.\\342\\200\\256exe \\033[31mred'" });

        // Assert
        var text = TextBlock(result);
        Assert.Equal("txt.\u202Eexe \u001B[31mred", ShellScenario.Field(result.StructuredContent, "stdout"));
        Assert.Contains("\"stdout\":\"txt.\\u202Eexe \\u001B[31mred\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202E', text);
        Assert.DoesNotContain('\u001B', text);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(text).RootElement, result.StructuredContent!.Value));
    }

    private static string TextBlock(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
}
