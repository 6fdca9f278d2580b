using AgentExec.Core.Telemetry;
using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.Core.Telemetry;

/// <summary>The span of a call that a human approved through the real MCP server and the SDK's own client.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class McpApprovalSpanTests
{
    [Fact]
    public async Task A_command_the_user_approves_over_MCP_has_the_user_as_source_and_a_wait_time()
    {
        // Arrange
        using var scenario = new ShellScenario();
        using var telemetry = new TelemetryCapture();
        var asked = 0;
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());

        // The generation most clients speak today: the question is a real elicitation/create request.
        await using var client = await server.ConnectAsync(ElicitingClient.Accepting(() => Interlocked.Increment(ref asked), protocolVersion: "2025-06-18"));

        // Act
        var result = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = ShellScenario.DangerousCommand });

        // Assert
        Assert.Equal("completed", ShellScenario.Field(result.StructuredContent, "status"));
        Assert.Equal(1, asked);
        Assert.True(scenario.CommandRan);
        var span = telemetry.ShellSpan;
        Assert.Equal("completed", span.GetTagItem(TelemetryAttributes.CallStatus));
        Assert.Equal("ask", span.GetTagItem(TelemetryAttributes.PolicyVerdict));
        Assert.Equal("approved", span.GetTagItem(TelemetryAttributes.ApprovalDecision));
        Assert.Equal("user", span.GetTagItem(TelemetryAttributes.ApprovalSource));
        Assert.Equal("user_approved", span.GetTagItem(TelemetryAttributes.ApprovalReason));
        Assert.IsType<long>(span.GetTagItem(TelemetryAttributes.ApprovalWaitMs));
        Assert.True((long)span.GetTagItem(TelemetryAttributes.ApprovalWaitMs)! >= 0);
        Assert.Equal(0, span.GetTagItem(TelemetryAttributes.ExitCode));
        Assert.DoesNotContain(span.TagObjects, tag => tag.Value is string text && text.Contains("victim", StringComparison.Ordinal));
    }
}
