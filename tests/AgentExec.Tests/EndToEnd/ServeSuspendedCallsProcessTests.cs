using System.Diagnostics;
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
        using var server = Start(agentexec);
        using var client = new RawMcpClient(server.StandardInput.BaseStream, server.StandardOutput.BaseStream);
        for (var i = 0; i < 64; i++)
        {
            await client.CallShellUnderInputRequiredAsync($"call-{i}", new JsonObject { ["command"] = "rm -rf victim" });
            Assert.Equal("input_required", (await client.ReadResponseAsync($"call-{i}"))["result"]!["resultType"]!.GetValue<string>());
        }

        server.StandardInput.Close();
        await server.WaitForExitAsync(new CancellationTokenSource(Bounded).Token);

        Assert.True(Directory.Exists(victim));
        var audit = await File.ReadAllLinesAsync(agentexec.AuditLog);
        var answers = audit.Select(line => JsonNode.Parse(line)!).Where(e => e["event"]!.GetValue<string>() == "answer").ToList();
        Assert.Equal(64, answers.Count(e => e["reason"]!.GetValue<string>() == "disconnected"));
        Assert.Equal(64, audit.Count(line => line.Contains("\"event\":\"denial\"", StringComparison.Ordinal)));
    }

    private static Process Start(AgentExecProcess agentexec)
    {
        var start = new ProcessStartInfo(AgentExecProcess.ExecutablePath)
        {
            WorkingDirectory = agentexec.Workspace,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
        };
        foreach (var argument in new[] { "serve", "--sandbox", "danger-full-access", "--workspace", agentexec.Workspace, "--audit-log", agentexec.AuditLog, "--approval-timeout-ms", "600000" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in agentexec.Environment())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return Process.Start(start) ?? throw new InvalidOperationException("agentexec did not start");
    }
}
