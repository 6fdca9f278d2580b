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

    [Fact]
    public async Task A_failed_call_keeps_the_endpoints_error_text_off_its_span_but_gives_it_to_the_assessor()
    {
        // Arrange: an endpoint whose error message quotes the request it refused.
        using var telemetry = new TelemetryCapture();
        using var model = new EchoingFailureChatClient();
        using var client = model.WithAgentExecTelemetry();

        // Act
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "system-prompt-marker"), new ChatMessage(ChatRole.User, "rm -rf command-marker")],
            new ChatOptions { ModelId = "canned-model" }));

        // Assert: the assessor gets the endpoint's own exception (its text goes to the log and the audit log)...
        Assert.Contains("command-marker", failure.Message, StringComparison.Ordinal);

        // ...and the span says the call failed, without the text.
        var span = Assert.Single(telemetry.Spans);
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, span.Status);
        var values = span.TagObjects.Concat(span.Events.SelectMany(e => e.Tags)).Select(tag => tag.Value?.ToString() ?? "")
            .Append(span.StatusDescription ?? "").ToArray();
        Assert.DoesNotContain(values, value => value.Contains("marker", StringComparison.Ordinal));
    }
}
