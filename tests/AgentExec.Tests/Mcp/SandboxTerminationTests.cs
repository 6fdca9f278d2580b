using System.Text.Json.Nodes;
using AgentExec.Tests.Mcp.Support;

namespace AgentExec.Tests.Mcp;

/// <summary>A sandboxed command still running when its call is cancelled or the client disconnects is killed, with every process it started.</summary>
public sealed class SandboxTerminationTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(15);

    [BubblewrapTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_cancelled_call_or_a_disconnect_kills_the_sandboxed_tree(bool disconnect)
    {
        // Arrange: a double-forked and a setsid daemon, marked so the test can find them on the host.
        using var scenario = new SandboxScenario();
        var marker = SandboxScenario.UniqueMarker();
        var command = scenario.Script("daemons.sh", $"""
            ( (exec -a {marker}-double sleep 300) & )
            setsid bash -c 'exec -a {marker}-setsid sleep 300' &
            sleep 300
            """);
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(scenario.Settings()));
        using var client = server.ConnectRaw();
        await client.InitializeAsync();
        await client.CallShellAsync("call-1", new JsonObject { ["command"] = command });
        Assert.True(HostProcesses.AppearWithin(marker, 2, Bounded), "The daemons never started.");

        // Act
        if (disconnect)
        {
            client.Disconnect();
            await server.Running.WaitAsync(Bounded);
        }
        else
        {
            await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"call-1","reason":"test"}}""");
        }

        // Assert
        try
        {
            Assert.True(HostProcesses.NoneWithin(marker, Bounded), $"Survivors: {string.Join(", ", HostProcesses.Matching(marker))}");
        }
        finally
        {
            HostProcesses.KillAll(marker);
        }
    }
}
