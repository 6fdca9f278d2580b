using System.Text.Json.Nodes;
using AgentExec.Tests.Mcp.Support;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// Attempts to get a <c>tools/call</c> served before the 2025 handshake ended: every one must run nothing. The witness
/// is a file the command would create.
/// </summary>
public sealed class HandshakeAttackTests
{
    private const string Meta2026 = """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"elicitation":{"form":{}}}}""";

    [Fact]
    public async Task Initialized_without_initialize_does_not_open_the_gate()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();

        await client.SayInitializedAsync();
        await client.CallShellAsync("early", new JsonObject { ["command"] = "echo early > early.txt" });
        var early = await client.ReadResponseAsync("early");

        Assert.False(File.Exists(Path.Combine(scenario.Workspace, "early.txt")), early.ToJsonString());
        Assert.NotNull(early["error"]);
    }

    [Theory]
    [InlineData("2026-07-28")]
    [InlineData("2025-06-18")]
    [InlineData("2025-11-25")]
    [InlineData("2099-01-01")]
    [InlineData("2026-07-28 ")]
    public async Task A_per_request_protocol_version_does_not_let_a_call_through_before_initialized(string version)
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync("2025-06-18", sayInitialized: false);

        var meta = JsonNode.Parse(Meta2026)!.AsObject();
        meta["io.modelcontextprotocol/protocolVersion"] = version;
        await client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = "early",
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = "shell", ["arguments"] = new JsonObject { ["command"] = "echo early > early.txt" }, ["_meta"] = meta },
        });
        var early = await client.ReadResponseAsync("early");

        Assert.False(File.Exists(Path.Combine(scenario.Workspace, "early.txt")), early.ToJsonString());
        Assert.NotNull(early["error"]);
    }

    [Fact]
    public async Task A_batch_that_puts_the_call_before_initialized_is_not_served()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync("2025-06-18", sayInitialized: false);

        await client.SendAsync("""[{"jsonrpc":"2.0","id":"early","method":"tools/call","params":{"name":"shell","arguments":{"command":"echo early > early.txt"}}},{"jsonrpc":"2.0","method":"notifications/initialized"}]""");
        await client.SendAsync("""{"jsonrpc":"2.0","id":"ping","method":"ping"}""");
        await client.ReadResponseAsync("ping");
        await Task.Delay(500);

        Assert.False(File.Exists(Path.Combine(scenario.Workspace, "early.txt")));
    }

    [Fact]
    public async Task A_2026_call_followed_by_a_2025_initialize_does_not_open_the_gate_for_plain_calls()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.CallShellUnderInputRequiredAsync("first", new JsonObject { ["command"] = "echo first > first.txt" });
        await client.ReadResponseAsync("first");
        await client.InitializeAsync("2025-06-18", sayInitialized: false);

        await client.CallShellAsync("early", new JsonObject { ["command"] = "echo early > early.txt" });
        var early = await client.ReadResponseAsync("early");

        Assert.False(File.Exists(Path.Combine(scenario.Workspace, "early.txt")), early.ToJsonString());
    }
}
