using System.Text.Json;
using AgentExec.Core.Configuration;
using AgentExec.Tests.Mcp.Support;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// The user config, the audit log and its lock file are hidden under bubblewrap in both sandboxed modes (issue 10,
/// item 5), also when they appear only after the server started: the mount plan is made per command, from what exists
/// then. Through the real server and SDK client.
/// </summary>
public sealed class SandboxHiddenStateTests
{
    [BubblewrapTheory]
    [InlineData(SandboxMode.ReadOnly)]
    [InlineData(SandboxMode.WorkspaceWrite)]
    public async Task The_user_config_and_the_audit_files_created_after_start_are_hidden(SandboxMode mode)
    {
        // Arrange: the server starts with none of the three files; they appear before the command runs.
        using var scenario = new SandboxScenario();
        File.Delete(scenario.AuditLogPath);
        var config = Path.Combine(scenario.Root, "config", "agentexec", "config.json");
        var settings = scenario.Settings(mode, configPath: config);
        var pipeline = scenario.Pipeline(settings);
        scenario.WriteFile(Path.Combine("config", "agentexec", "config.json"), """{"CONFIG-SECRET":1}""");
        File.WriteAllText(scenario.AuditLogPath, "AUDIT-SECRET\n");
        File.WriteAllText(scenario.AuditLogPath + ".lock", "LOCK-SECRET\n");
        var command = scenario.Script("probe.sh", $"""
            cat '{config}' '{scenario.AuditLogPath}' '{scenario.AuditLogPath}.lock'
            echo DONE
            """);

        // Act
        var result = await CallAsync(pipeline, command);

        // Assert: the probe ran to its end, and none of the three contents reached it.
        var output = Field(result, "stdout") + Field(result, "stderr");
        Assert.Equal(("completed", "bubblewrap"), (Field(result, "status"), Field(result, "sandbox_backend")));
        Assert.EndsWith("DONE\n", Field(result, "stdout"), StringComparison.Ordinal);
        Assert.All(["CONFIG-SECRET", "AUDIT-SECRET", "LOCK-SECRET"], secret => Assert.DoesNotContain(secret, output, StringComparison.Ordinal));
    }

    [BubblewrapFact]
    public void Positive_control_the_same_probe_run_with_bash_directly_reads_all_three()
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var config = scenario.WriteFile(Path.Combine("config", "agentexec", "config.json"), """{"CONFIG-SECRET":1}""");
        File.WriteAllText(scenario.AuditLogPath, "AUDIT-SECRET\n");
        File.WriteAllText(scenario.AuditLogPath + ".lock", "LOCK-SECRET\n");
        scenario.Script("probe.sh", $"cat '{config}' '{scenario.AuditLogPath}' '{scenario.AuditLogPath}.lock'");

        // Act
        var (_, stdout, _) = HostCommand.Run(scenario.Workspace, "bash", "probe.sh");

        // Assert
        Assert.All(["CONFIG-SECRET", "AUDIT-SECRET", "LOCK-SECRET"], secret => Assert.Contains(secret, stdout, StringComparison.Ordinal));
    }

    private static async Task<JsonElement> CallAsync(AgentExec.Core.Pipeline.ExecPipeline pipeline, string command)
    {
        await using var server = InMemoryMcpServer.Start(pipeline);
        await using var client = await server.ConnectAsync(new ModelContextProtocol.Client.McpClientOptions());
        var result = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = command });
        return result.StructuredContent ?? throw new InvalidOperationException("no structured content");
    }

    private static string Field(JsonElement result, string name) =>
        ShellScenario.Field(result, name) ?? string.Empty;
}
