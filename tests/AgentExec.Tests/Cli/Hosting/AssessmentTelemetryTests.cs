using System.Diagnostics;
using AgentExec.Cli.Hosting;
using AgentExec.Core.Configuration;
using AgentExec.Core.Telemetry;
using AgentExec.Tests.Core.Telemetry;
using AgentExec.Tests.Mcp.Support;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.Cli.Hosting;

/// <summary>
/// The risk assessor's model call as the product builds it (<see cref="AssessmentSetup"/> and the real OpenAI client
/// against a Chat Completions stub on 127.0.0.1): a <c>chat</c> span under the call's <c>agentexec.shell</c> span.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class AssessmentTelemetryTests
{
    private const string Description = "Deletes the victim directory and its files.";

    [Fact]
    public async Task An_assessed_call_has_a_chat_span_under_its_shell_span_without_the_conversation()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(StubReply.Assessment(Description, "high", "data_deletion"));
        using var telemetry = new TelemetryCapture();
        var assessor = Setup(scenario, stub).Assessor;
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(assessor: assessor));
        await using var client = await server.ConnectAsync(new McpClientOptions
        {
            ProtocolVersion = "2025-11-25",
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult { Action = "decline" }),
            },
        });

        // Act
        var result = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = ShellScenario.DangerousCommand });

        // Assert
        Assert.Equal("high", ShellScenario.Field(result.StructuredContent, "approval", "risk", "risk_level"));
        Assert.Equal(1, stub.RequestCount);
        var shell = telemetry.ShellSpan;
        Assert.Equal("success", shell.GetTagItem(TelemetryAttributes.AssessmentStatus));
        var chat = Assert.Single(telemetry.Spans, span => span != shell);
        Assert.Equal("chat stub-model", chat.DisplayName);
        Assert.Equal("chat", chat.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("stub-model", chat.GetTagItem("gen_ai.request.model"));
        Assert.Equal(shell.SpanId, chat.ParentSpanId);
        Assert.Equal(ActivityKind.Client, chat.Kind);
        // The prompt holds the command line, the answer the model's description: neither may leave in a span.
        var values = chat.TagObjects.Concat(chat.Events.SelectMany(e => e.Tags)).Select(tag => tag.Value?.ToString() ?? "").ToArray();
        Assert.DoesNotContain(values, value => value.Contains("victim", StringComparison.Ordinal));
        Assert.NotEmpty(telemetry.Measurements("gen_ai.client.operation.duration"));
    }

    private static AssessmentSetup Setup(ShellScenario scenario, ChatCompletionsStub stub)
    {
        var settings = PipelineFactory.Settings(scenario.Workspace) with
        {
            ExperimentalSandboxCommandAssessment = true,
            AssessmentTimeout = TimeSpan.FromSeconds(10),
        };
        var environment = new Dictionary<string, string>
        {
            [LanguageModelVariables.ApiKey] = "sk-test-key-for-the-local-stub",
            [LanguageModelVariables.BaseUrl] = stub.BaseUrl.ToString(),
            [LanguageModelVariables.Model] = "stub-model",
        };
        var warnings = new List<string>();
        var setup = AssessmentSetup.Create(settings, environment, scenario.Workspace, new Dictionary<string, string>(), TimeProvider.System, NullLogger.Instance, warnings);
        Assert.Empty(warnings);
        return setup;
    }
}
