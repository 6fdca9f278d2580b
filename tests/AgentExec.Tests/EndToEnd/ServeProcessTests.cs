using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.EndToEnd;

/// <summary>The real <c>agentexec serve</c> process, driven over stdio by the SDK client.</summary>
public sealed class ServeProcessTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_server_lists_the_shell_tool_and_runs_an_approved_command()
    {
        using var agentexec = new AgentExecProcess();
        var victim = Directory.CreateDirectory(Path.Combine(agentexec.Workspace, "victim")).FullName;
        var asked = 0;
        await using var client = await ConnectAsync(agentexec, (_, _) =>
        {
            Interlocked.Increment(ref asked);
            return ValueTask.FromResult(new ElicitResult { Action = "accept" });
        });

        var tools = await client.ListToolsAsync();
        var echo = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = "echo hello from $PWD" });
        var removal = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = "rm -rf victim", ["justification"] = "cleanup" });

        var shell = Assert.Single(tools);
        Assert.Equal("shell", shell.Name);
        Assert.True(shell.ProtocolTool.Annotations?.DestructiveHint);
        Assert.True(shell.ProtocolTool.Annotations?.OpenWorldHint);
        Assert.Equal("completed", ShellScenario.Field(echo.StructuredContent, "status"));
        Assert.Equal($"hello from {agentexec.Workspace}\n", ShellScenario.Field(echo.StructuredContent, "stdout"));
        Assert.Equal("null", echo.StructuredContent!.Value.GetProperty("approval").ValueKind.ToString().ToLowerInvariant());
        Assert.Equal("approved", ShellScenario.Field(removal.StructuredContent, "approval", "decision"));
        Assert.Equal(1, asked);
        Assert.False(Directory.Exists(victim));
        var text = Assert.IsType<TextContentBlock>(Assert.Single(removal.Content));
        Assert.Equal(removal.StructuredContent!.Value.GetRawText(), text.Text);
    }

    [Fact]
    public async Task A_response_that_names_its_result_twice_runs_nothing_through_the_stdio_transport()
    {
        // Found by an attack: the SDK's reader keeps the last of two same-named members, so a decline followed by an
        // accept under one "result" name approved the command.
        using var agentexec = new AgentExecProcess();
        var victim = Directory.CreateDirectory(Path.Combine(agentexec.Workspace, "victim")).FullName;
        await using var server = ServeProcess.Start(agentexec, "--approval-policy", "untrusted");
        using var client = server.ConnectRaw();
        await client.InitializeAsync();

        await client.CallShellAsync("call-1", new System.Text.Json.Nodes.JsonObject { ["command"] = "rm -rf victim" });
        var question = await client.ReadMessageAsync("elicitation/create").WaitAsync(Bounded);
        await client.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":" + question["id"]!.ToJsonString() + ",\"result\":{\"action\":\"decline\"},\"result\":{\"action\":\"accept\"}}");
        var result = await client.ReadToolResultAsync("call-1").WaitAsync(Bounded);

        Assert.Equal("denied", result["approval"]!["decision"]!.GetValue<string>());
        Assert.Equal("client_error", result["approval"]!["reason"]!.GetValue<string>());
        Assert.True(Directory.Exists(victim));
    }

    [Fact]
    public async Task A_client_that_goes_away_mid_question_leaves_nothing_running_and_the_server_exits()
    {
        using var agentexec = new AgentExecProcess();
        var victim = Directory.CreateDirectory(Path.Combine(agentexec.Workspace, "victim")).FullName;
        await using var server = ServeProcess.Start(agentexec);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = await server.ConnectAsync(ElicitingClient.Holding(_ => asked.TrySetResult()));

        _ = client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = "rm -rf victim" }).AsTask();
        await asked.Task.WaitAsync(Bounded);
        server.CloseInput();
        Assert.True(await server.WaitForExitAsync(Bounded));

        Assert.True(Directory.Exists(victim));
        Assert.Contains("\"reason\":\"disconnected\"", await File.ReadAllTextAsync(agentexec.AuditLog), StringComparison.Ordinal);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Serve_refuses_an_implicit_home_workspace_with_exit_code_2()
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["serve", "--sandbox", "danger-full-access"], workingDirectory: agentexec.Home);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--workspace", result.StandardError, StringComparison.Ordinal);
    }

    private static async Task<McpClient> ConnectAsync(AgentExecProcess agentexec, Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>> onElicit)
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "agentexec",
            Command = AgentExecProcess.ExecutablePath,
            Arguments = ServeProcess.Arguments(agentexec),
            WorkingDirectory = agentexec.Workspace,
            EnvironmentVariables = agentexec.Environment(),
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ProtocolVersion = "2025-11-25",
            Handlers = new McpClientHandlers { ElicitationHandler = onElicit },
        });
    }
}
