using AgentExec.Cli.Hosting;
using AgentExec.Core.Telemetry;
using AgentExec.Tests.Core.Telemetry;
using Microsoft.Extensions.AI;

namespace AgentExec.Tests.Cli.Hosting;

/// <summary>The assessor's chat client, wrapped for telemetry: its spans join the AgentExec source without the conversation.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class ChatClientTelemetryTests
{
    [Fact]
    public async Task A_wrapped_chat_client_traces_each_call_on_the_AgentExec_source_without_prompt_or_answer()
    {
        // Arrange
        using var telemetry = new TelemetryCapture();
        using var model = new CannedChatClient("model-answer-marker");
        using var client = model.WithAgentExecTelemetry();

        // Act
        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "system-prompt-marker"), new ChatMessage(ChatRole.User, "rm -rf command-marker")],
            new ChatOptions { ModelId = "canned-model" });

        // Assert
        Assert.Equal("model-answer-marker", response.Text);
        var span = Assert.Single(telemetry.Spans);
        Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("canned-model", span.GetTagItem("gen_ai.request.model"));
        var values = span.TagObjects.Concat(span.Events.SelectMany(e => e.Tags)).Select(tag => tag.Value?.ToString() ?? "").ToArray();
        Assert.DoesNotContain(values, value => value.Contains("marker", StringComparison.Ordinal));
        Assert.NotEmpty(telemetry.Measurements("gen_ai.client.operation.duration"));
        Assert.Empty(telemetry.Measurements(AgentExecTelemetry.CallsMetric));
    }
}
