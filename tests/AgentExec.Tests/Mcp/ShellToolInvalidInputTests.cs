using System.Text.Json.Nodes;
using AgentExec.Tests.Mcp.Support;

namespace AgentExec.Tests.Mcp;

/// <summary>The <c>shell</c> tool spells the fields Core refuses as its input schema does, word for word.</summary>
public sealed class ShellToolInvalidInputTests
{
    [Theory]
    [InlineData("""{"command":"   "}""", "Invalid input: command: must be a non-empty shell command line")]
    [InlineData("""{"command":"ls\u0000rm"}""", "Invalid input: command: must not contain NUL characters")]
    [InlineData("""{"command":"ls","workdir":"relative/dir"}""", "Invalid input: workdir: must be an absolute path (got \"relative/dir\")")]
    [InlineData("""{"command":"ls","timeout_ms":0}""", "Invalid input: timeout_ms: must be between 1 and 3600000 (got 0)")]
    [InlineData("""{"command":"ls","timeout_ms":3600001}""", "Invalid input: timeout_ms: must be between 1 and 3600000 (got 3600001)")]
    public async Task A_field_Core_refuses_is_named_as_the_tool_s_argument(string arguments, string message)
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync();

        // Act
        await client.CallShellAsync("call-1", JsonNode.Parse(arguments)!.AsObject());
        var response = await client.ReadResponseAsync("call-1");

        // Assert
        var structured = response["result"]!["structuredContent"]!;
        Assert.Equal("failed_to_start", structured["status"]!.GetValue<string>());
        Assert.Equal(message, structured["message"]!.GetValue<string>());
    }
}
