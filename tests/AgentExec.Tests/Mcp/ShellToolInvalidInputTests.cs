using System.Text.Json.Nodes;
using AgentExec.Core.Audit;
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

    [Theory]
    [InlineData("\"arguments\":\"touch made\"", "Invalid input: params: arguments has the wrong type")]
    [InlineData("\"arguments\":[\"touch made\"]", "Invalid input: params: arguments has the wrong type")]
    [InlineData("\"arguments\":{\"command\":\"touch made\"},\"_meta\":[1]", "Invalid input: params: _meta has the wrong type")]
    [InlineData("\"arguments\":{\"command\":\"touch made \\ud800\"}", "Invalid input: params: a string is not valid UTF-16 (half a surrogate pair)")]
    [InlineData("\"arguments\":{\"command\":\"touch made\"},\"_meta\":{\"a\":1,\"a\":2}", "Invalid input: params: a member is named twice (\"a\")")]
    [InlineData("\"arguments\":{\"command\":\"touch made\"},\"_meta\":{\"progressToken\":1,\"progressToken\":2}", "Invalid input: params: a member is named twice (\"progressToken\")")]
    [InlineData("\"arguments\":{\"command\":\"echo shown\",\"command\":\"touch made\"}", "Invalid input: params: a member is named twice (\"command\")")]
    public async Task Parameters_the_SDK_cannot_read_are_refused_as_invalid_input_and_audited(string parameters, string message)
    {
        // Arrange: found by an attack. The SDK answered these with a JSON-RPC error before the tool saw them, so nothing
        // was recorded, where SPEC.md audits invalid input like every call.
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync();

        // Act
        await client.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":\"call-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"shell\"," + parameters + "}}");
        var response = await client.ReadResponseAsync("call-1");

        // Assert
        var structured = response["result"]!["structuredContent"]!;
        Assert.Equal("failed_to_start", structured["status"]!.GetValue<string>());
        Assert.Equal(message, structured["message"]!.GetValue<string>());
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.Denial], scenario.Audit.Names);
        Assert.False(File.Exists(Path.Combine(scenario.Workspace, "made")));
    }

    [Fact]
    public async Task A_cancellation_naming_an_unreadable_request_id_leaves_the_server_serving()
    {
        // Arrange: found by a review. The transport reads every cancellation as it arrives; a requestId with half a
        // surrogate pair threw there, which ended the SDK's read loop and the server with it.
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync();

        // Act
        await client.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"\\ud800\"}}");
        await client.CallShellAsync("call-1", new JsonObject { ["command"] = "echo still here" });
        var result = await client.ReadToolResultAsync("call-1").WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal("still here\n", result["stdout"]!.GetValue<string>());
    }
}
