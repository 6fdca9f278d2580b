using System.Reflection;
using AgentExec.Mcp;
using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// The tool package as a user gets it: the <c>agentexec</c> that <c>dotnet tool install AgentExec</c> installed (the
/// Native AOT binary of the RID-specific package), started by the SDK's stdio client the way an MCP client starts it.
/// </summary>
public sealed class ToolPackageTests
{
    [InstalledToolFact]
    public async Task The_installed_tool_serves_a_sandboxed_shell_call_over_stdio()
    {
        var installed = InstalledTool.Path!;
        Assert.True(File.Exists(installed), $"{InstalledTool.Variable} names {installed}, which does not exist");
        using var agentexec = new AgentExecProcess();
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var asked = 0;
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "agentexec",
            Command = installed,
            // The default sandbox (workspace-write): the installed binary must find and drive a sandbox backend itself.
            Arguments = ["serve", "--workspace", agentexec.Workspace, "--audit-log", agentexec.AuditLog],
            WorkingDirectory = agentexec.Workspace,
            EnvironmentVariables = agentexec.Environment(),
        });
        await using var client = await McpClient.CreateAsync(
            transport,
            new McpClientOptions
            {
                ProtocolVersion = "2025-11-25",
                Handlers = new McpClientHandlers
                {
                    ElicitationHandler = (_, _) =>
                    {
                        Interlocked.Increment(ref asked);
                        return ValueTask.FromResult(new ElicitResult { Action = "decline" });
                    },
                },
            },
            cancellationToken: bounded.Token);

        var tools = await client.ListToolsAsync(cancellationToken: bounded.Token);
        var echo = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = "echo hi" }, cancellationToken: bounded.Token);

        var server = Assert.IsType<Implementation>(client.ServerInfo);
        Assert.Equal("agentexec", server.Name);
        Assert.Equal(ProductVersion(), server.Version.Split('+')[0]);
        Assert.Equal("shell", Assert.Single(tools).Name);
        Assert.Equal("completed", ShellScenario.Field(echo.StructuredContent, "status"));
        Assert.Equal("hi\n", ShellScenario.Field(echo.StructuredContent, "stdout"));
        Assert.Equal("workspace-write", ShellScenario.Field(echo.StructuredContent, "sandbox"));
        var backend = ShellScenario.Field(echo.StructuredContent, "sandbox_backend");
        Assert.True(backend is "bubblewrap" or "landlock", $"sandbox_backend: {backend}");
        Assert.Equal(0, asked);
        Assert.Contains("\"call_received\"", await File.ReadAllTextAsync(agentexec.AuditLog, bounded.Token), StringComparison.Ordinal);
    }

    /// <summary>The version this tree builds (Directory.Build.props), without the source revision.</summary>
    internal static string ProductVersion() =>
        typeof(AgentExecMcpServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
}
