using System.Text.Json.Nodes;
using AgentExec.Tests.Mcp.Support;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// Under the 2025 protocol generations a client's capabilities arrive with <c>initialize</c> and hold from
/// <c>notifications/initialized</c>: a <c>tools/call</c> before that is refused, not served without them.
/// </summary>
public sealed class HandshakeTests
{
    [Theory]
    [InlineData("2025-06-18")]
    [InlineData("2025-11-25")]
    public async Task A_call_between_initialize_and_initialized_is_refused_and_runs_nothing(string protocolVersion)
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync(protocolVersion, sayInitialized: false);

        await client.CallShellAsync("early", new JsonObject { ["command"] = "echo early > early.txt" });
        var early = await client.ReadResponseAsync("early");

        Assert.Equal(-32600, early["error"]!["code"]!.GetValue<int>());
        Assert.Contains("initialized", early["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(scenario.Workspace, "early.txt")));
        Assert.Empty(scenario.Audit.Events);

        // Once the handshake is over, the same call is served, with the client's capabilities.
        await client.SayInitializedAsync();
        await client.CallShellAsync("after", new JsonObject { ["command"] = "echo after > after.txt" });
        var after = await client.ReadResponseAsync("after");
        Assert.Equal("completed", after["result"]!["structuredContent"]!["status"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(scenario.Workspace, "after.txt")));
    }

    [Fact]
    public async Task A_call_with_no_handshake_and_no_per_request_protocol_version_is_refused()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();

        await client.CallShellAsync("bare", new JsonObject { ["command"] = "echo bare > bare.txt" });
        var bare = await client.ReadResponseAsync("bare");

        Assert.NotNull(bare["error"]);
        Assert.False(File.Exists(Path.Combine(scenario.Workspace, "bare.txt")));
    }

    [Fact]
    public async Task A_2026_07_28_call_needs_no_handshake()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();

        await client.CallShellUnderInputRequiredAsync("call", new JsonObject { ["command"] = "echo fine > fine.txt" });
        var result = await client.ReadResponseAsync("call");

        Assert.Equal("completed", result["result"]!["structuredContent"]!["status"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(scenario.Workspace, "fine.txt")));
    }
}
