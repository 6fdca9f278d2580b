using System.Text.Json.Nodes;
using AgentExec.Tests.Mcp.Support;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// The real <c>agentexec serve</c> process under MCP 2026-07-28, where questions wait for retries the SDK knows nothing
/// of: a client that goes away with every question slot taken must leave a process that records each denial and exits.
/// </summary>
public sealed class ServeSuspendedCallsProcessTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_client_that_goes_away_with_64_suspended_calls_gets_64_disconnected_denials_and_the_server_exits()
    {
        using var agentexec = new AgentExecProcess();
        var victim = Directory.CreateDirectory(Path.Combine(agentexec.Workspace, "victim")).FullName;
        await using var server = ServeProcess.Start(agentexec, "--approval-timeout-ms", "600000");
        using var client = server.ConnectRaw();
        for (var i = 0; i < 64; i++)
        {
            await client.CallShellUnderInputRequiredAsync($"call-{i}", new JsonObject { ["command"] = "rm -rf victim" });
            Assert.Equal("input_required", (await client.ReadResponseAsync($"call-{i}"))["result"]!["resultType"]!.GetValue<string>());
        }

        server.CloseInput();
        Assert.True(await server.WaitForExitAsync(Bounded), "the server did not exit; stderr ends: " + server.StandardErrorTail);

        Assert.True(Directory.Exists(victim));
        var audit = await File.ReadAllLinesAsync(agentexec.AuditLog);
        var answers = audit.Select(line => JsonNode.Parse(line)!).Where(e => e["event"]!.GetValue<string>() == "answer").ToList();
        Assert.Equal(64, answers.Count(e => e["reason"]!.GetValue<string>() == "disconnected"));
        Assert.Equal(64, audit.Count(line => line.Contains("\"event\":\"denial\"", StringComparison.Ordinal)));
    }
}
