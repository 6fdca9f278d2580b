using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentExec.Cli.Hosting;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Tests.Core.Policy;
using AgentExec.Tests.Mcp.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// The risk assessment end to end: the production wiring (<see cref="AssessmentSetup"/>, the real OpenAI client) against
/// a Chat Completions stub on 127.0.0.1, through the in-memory MCP server and a client.
/// </summary>
public sealed class RiskAssessmentElicitationTests
{
    private const string RiskLine = "Risk: HIGH (data_deletion) — Deletes the victim directory and its files. [from the risk model; advisory]";
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(20);
    private static readonly StubReply HighRisk = StubReply.Assessment("Deletes the victim directory and its files.", "high", "data_deletion");

    [Fact]
    public async Task A_successful_assessment_is_shown_in_the_question_its_meta_and_the_tool_result()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(HighRisk);

        // Act
        var (asked, result) = await AskOnceAsync(scenario, Setup(scenario, stub));

        // Assert
        Assert.NotNull(asked);
        Assert.EndsWith("\n" + RiskLine, asked.Message, StringComparison.Ordinal);
        var metaRisk = asked.Meta!["agentexec/approval"]!["risk"]!;
        Assert.Equal("""{"description":"Deletes the victim directory and its files.","risk_level":"high","risk_category":"data_deletion"}""", metaRisk.ToJsonString());
        Assert.Equal("high", ShellScenario.Field(result.StructuredContent, "approval", "risk", "risk_level"));
        Assert.Equal("data_deletion", ShellScenario.Field(result.StructuredContent, "approval", "risk", "risk_category"));
        Assert.Equal("Deletes the victim directory and its files.", ShellScenario.Field(result.StructuredContent, "approval", "risk", "description"));
        Assert.Equal(1, stub.RequestCount);
        var assessment = scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Assessment);
        Assert.Equal("success", assessment.Fields["status"]!.GetValue<string>());
        Assert.Equal("high", assessment.Fields["risk_level"]!.GetValue<string>());
        Assert.False(scenario.CommandRan);
    }

    [Theory]
    [InlineData("2025-06-18")]
    [InlineData(null)]
    public async Task Under_every_protocol_generation_a_question_is_assessed_once(string? protocolVersion)
    {
        // Arrange: null lets the SDK client negotiate 2026-07-28, where the question becomes input_required and a retry.
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(HighRisk);
        var messages = new List<string>();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(assessor: Setup(scenario, stub).Assessor));
        await using var client = await server.ConnectAsync(ElicitingClient.Declining(question => messages.Add(question.Message), protocolVersion));

        // Act
        var result = await client.CallToolAsync("shell", Args(ShellScenario.DangerousCommand));

        // Assert
        Assert.EndsWith(RiskLine, Assert.Single(messages), StringComparison.Ordinal);
        Assert.Equal("high", ShellScenario.Field(result.StructuredContent, "approval", "risk", "risk_level"));
        Assert.Equal(1, stub.RequestCount);
        Assert.Single(scenario.Audit.Events, e => e.Name == AuditEventNames.Assessment);
    }

    [Fact]
    public async Task The_raw_request_carries_codex_risk_and_the_endpoint_got_one_fresh_two_message_conversation()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(HighRisk);
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(assessor: Setup(scenario, stub).Assessor));
        var client = server.ConnectRaw();
        await client.InitializeAsync();

        // Act
        await client.CallShellAsync("call-1", new JsonObject { ["command"] = ShellScenario.DangerousCommand, ["justification"] = "tidy up" });
        var question = await client.ReadMessageAsync("elicitation/create");
        await client.AnswerAsync(question, """{"action":"decline"}""");
        await client.ReadResponseAsync("call-1");

        // Assert
        Assert.Equal("data_deletion", question["params"]!["codex_risk"]!["risk_category"]!.GetValue<string>());
        var body = JsonNode.Parse(Assert.Single(stub.Bodies))!;
        Assert.Equal("stub-model", body["model"]!.GetValue<string>());
        Assert.Equal(["system", "user"], body["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        Assert.Contains("rm -rf victim", body["messages"]![1]!["content"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(body["tools"]);
        Assert.Equal("json_schema", body["response_format"]!["type"]!.GetValue<string>());
        Assert.Equal("command_risk_assessment", body["response_format"]!["json_schema"]!["name"]!.GetValue<string>());
        Assert.True(body["response_format"]!["json_schema"]!["strict"]!.GetValue<bool>());
        Assert.Equal(
            ["description", "risk_level", "risk_category"],
            body["response_format"]!["json_schema"]!["schema"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task A_model_that_takes_ten_seconds_does_not_hold_the_question_beyond_the_budget()
    {
        // Arrange
        using var scenario = new ShellScenario();
        var budget = TimeSpan.FromMilliseconds(1500);
        await using var stub = ChatCompletionsStub.Start(HighRisk with { Delay = TimeSpan.FromSeconds(10) });
        var asked = new TaskCompletionSource<(ElicitRequestParams Question, TimeSpan At)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopwatch = new Stopwatch();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(assessor: Setup(scenario, stub, budget: budget).Assessor));
        await using var client = await server.ConnectAsync(ElicitingClient.Declining(question => asked.TrySetResult((question, stopwatch.Elapsed))));

        // Act
        stopwatch.Start();
        var call = client.CallToolAsync("shell", Args(ShellScenario.DangerousCommand)).AsTask();
        var (question, at) = await asked.Task.WaitAsync(Bounded);
        var result = await call.WaitAsync(Bounded);

        // Assert: asked after the budget, well before the model's 10 s, and without a risk.
        Assert.InRange(at, budget - TimeSpan.FromMilliseconds(100), budget + TimeSpan.FromSeconds(4));
        Assert.DoesNotContain("Risk:", question.Message, StringComparison.Ordinal);
        Assert.Null(ShellScenario.Field(result.StructuredContent, "approval", "risk"));
        var assessment = scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Assessment);
        Assert.Equal("timeout", assessment.Fields["status"]!.GetValue<string>());
        Assert.InRange(assessment.Fields["latency_ms"]!.GetValue<long>(), 1400, 5500);
        Assert.Equal(1, stub.RequestCount);
    }

    [Fact]
    public async Task An_http_500_reaches_the_endpoint_exactly_once_and_the_question_is_asked_without_a_risk()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(StubReply.Error(500, "The server had an error while processing your request."));

        // Act
        var (asked, result) = await AskOnceAsync(scenario, Setup(scenario, stub));

        // Assert: a retry would have come before the result (the default policy waits under a second); none did.
        Assert.NotNull(asked);
        Assert.DoesNotContain("Risk:", asked.Message, StringComparison.Ordinal);
        Assert.Equal("denied", ShellScenario.Field(result.StructuredContent, "approval", "decision"));
        var assessment = scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Assessment);
        Assert.Equal("model_error", assessment.Fields["status"]!.GetValue<string>());
        Assert.Contains("500", assessment.Fields["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, stub.RequestCount);
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>", "model_error")]
    [InlineData("""{"unexpected":"shape"}""", "model_error")]
    public async Task A_garbage_response_body_falls_back_to_asking_without_a_risk(string body, string status)
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(new StubReply(200, body));

        // Act
        var (asked, _) = await AskOnceAsync(scenario, Setup(scenario, stub));

        // Assert
        Assert.NotNull(asked);
        Assert.DoesNotContain("Risk:", asked.Message, StringComparison.Ordinal);
        Assert.Equal(status, scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Assessment).Fields["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("I would rather not answer in JSON.", "parse_error")]
    [InlineData("""{"description":"Deletes files.","risk_level":"catastrophic","risk_category":"data_deletion"}""", "parse_error")]
    public async Task A_completion_that_is_not_a_valid_assessment_falls_back_as_a_parse_error(string content, string status)
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(StubReply.Completion(content));

        // Act
        var (asked, _) = await AskOnceAsync(scenario, Setup(scenario, stub));

        // Assert
        Assert.NotNull(asked);
        Assert.DoesNotContain("Risk:", asked.Message, StringComparison.Ordinal);
        Assert.Equal(status, scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Assessment).Fields["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refusal_is_a_model_error_and_the_question_is_still_asked()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(StubReply.Refusal("I can't assist with that."));

        // Act
        var (asked, _) = await AskOnceAsync(scenario, Setup(scenario, stub));

        // Assert
        Assert.NotNull(asked);
        var assessment = scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Assessment);
        Assert.Equal("model_error", assessment.Fields["status"]!.GetValue<string>());
        Assert.Equal("the model refused: I can't assist with that.", assessment.Fields["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_server_that_rejects_json_schema_formats_is_a_model_error_with_a_clear_log_line_and_the_question_is_asked()
    {
        // Arrange
        using var scenario = new ShellScenario();
        var logger = new RecordingLogger();
        await using var stub = ChatCompletionsStub.Start(StubReply.Error(400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model."));

        // Act
        var (asked, _) = await AskOnceAsync(scenario, Setup(scenario, stub, logger: logger));

        // Assert
        Assert.NotNull(asked);
        Assert.Equal("model_error", scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Assessment).Fields["status"]!.GetValue<string>());
        var line = Assert.Single(logger.MessagesAt(LogLevel.Warning));
        Assert.StartsWith("Risk assessment: model_error after ", line, StringComparison.Ordinal);
        Assert.Contains("the endpoint rejected the JSON-schema response format", line, StringComparison.Ordinal);
        Assert.EndsWith("; the question is asked without a risk", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_flag_off_no_request_is_ever_made()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(HighRisk);
        var setup = Setup(scenario, stub, flag: false);

        // Act
        var (asked, _) = await AskOnceAsync(scenario, setup);

        // Assert
        Assert.NotNull(asked);
        Assert.Equal(AssessmentSetup.FlagOffReason, setup.DisabledReason);
        Assert.DoesNotContain("Risk:", asked.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AuditEventNames.Assessment, scenario.Audit.Names);
        Assert.Equal(0, stub.RequestCount);
    }

    [Fact]
    public async Task With_the_flag_on_but_no_api_key_there_is_one_warning_and_no_request()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(HighRisk);
        var warnings = new List<string>();
        var settings = PipelineFactory.Settings(scenario.Workspace) with { ExperimentalSandboxCommandAssessment = true };
        var environment = new Dictionary<string, string> { [LanguageModelVariables.BaseUrl] = stub.BaseUrl.ToString() };

        // Act
        var setup = AssessmentSetup.Create(settings, environment, scenario.Workspace, new Dictionary<string, string>(), TimeProvider.System, NullLogger.Instance, warnings);
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(assessor: setup.Assessor));
        await using var client = await server.ConnectAsync(ElicitingClient.Declining(_ => { }));
        await client.CallToolAsync("shell", Args(ShellScenario.DangerousCommand));

        // Assert
        var warning = Assert.Single(warnings);
        Assert.StartsWith("the risk assessment is on, but OPENAI_API_KEY is not set", warning, StringComparison.Ordinal);
        Assert.Equal(0, stub.RequestCount);
    }

    [Theory]
    [InlineData(ApprovalPolicy.Never, """{"elicitation":{}}""")]
    [InlineData(ApprovalPolicy.OnFailure, "{}")]
    public async Task No_assessment_is_made_when_no_question_will_be_asked(ApprovalPolicy policy, string capabilities)
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(HighRisk);
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(policy, assessor: Setup(scenario, stub).Assessor));
        var client = server.ConnectRaw();
        await client.InitializeAsync(capabilities: capabilities);

        // Act
        await client.CallShellAsync("call-1", new JsonObject { ["command"] = ShellScenario.DangerousCommand });
        var response = await client.ReadResponseAsync("call-1");

        // Assert
        Assert.Equal("denied", response["result"]!["structuredContent"]!["status"]!.GetValue<string>());
        Assert.Equal(0, stub.RequestCount);
        Assert.DoesNotContain(AuditEventNames.Assessment, scenario.Audit.Names);
    }

    [Fact]
    public async Task A_call_beyond_the_pending_question_limit_is_denied_without_an_assessment()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(HighRisk);
        var pipeline = scenario.Pipeline(pending: new AgentExec.Core.Approval.PendingQuestionLimit(1), assessor: Setup(scenario, stub).Assessor);
        await using var server = InMemoryMcpServer.Start(pipeline);

        // Act
        var second = await ElicitingClient.CallWhileAQuestionWaitsAsync(server, Bounded);

        // Assert
        Assert.Equal("too_many_pending", ShellScenario.Field(second.StructuredContent, "approval", "reason"));
        Assert.Equal(1, stub.RequestCount);
    }

    [Fact]
    public async Task A_command_approved_for_the_session_is_not_assessed_again()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(HighRisk);
        var asked = 0;
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(assessor: Setup(scenario, stub).Assessor));
        await using var client = await server.ConnectAsync(ElicitingClient.Accepting(() => Interlocked.Increment(ref asked), """{"scope":"session"}"""));

        // Act
        var first = await client.CallToolAsync("shell", Args("rm -rf gone-already"));
        var second = await client.CallToolAsync("shell", Args("rm -rf gone-already"));

        // Assert
        Assert.Equal("session_cache", ShellScenario.Field(second.StructuredContent, "approval", "reason"));
        Assert.Equal("high", ShellScenario.Field(first.StructuredContent, "approval", "risk", "risk_level"));
        Assert.Equal(1, asked);
        Assert.Equal(1, stub.RequestCount);
        Assert.Single(scenario.Audit.Events, e => e.Name == AuditEventNames.Assessment);
    }

    [Fact]
    public async Task The_same_question_asked_twice_reuses_the_earlier_assessment()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var stub = ChatCompletionsStub.Start(HighRisk);
        var messages = new List<string>();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(assessor: Setup(scenario, stub).Assessor));
        await using var client = await server.ConnectAsync(ElicitingClient.Declining(question => messages.Add(question.Message)));

        // Act
        await client.CallToolAsync("shell", Args(ShellScenario.DangerousCommand));
        await client.CallToolAsync("shell", Args(ShellScenario.DangerousCommand));

        // Assert
        Assert.Equal(2, messages.Count);
        Assert.All(messages, message => Assert.EndsWith(RiskLine, message, StringComparison.Ordinal));
        Assert.Equal(1, stub.RequestCount);
        var reused = scenario.Audit.Events.Where(e => e.Name == AuditEventNames.Assessment).Last();
        Assert.Equal(0, reused.Fields["latency_ms"]!.GetValue<long>());
    }

    private static AssessmentSetup Setup(ShellScenario scenario, ChatCompletionsStub stub, bool flag = true, TimeSpan? budget = null, ILogger? logger = null)
    {
        var settings = PipelineFactory.Settings(scenario.Workspace) with
        {
            ExperimentalSandboxCommandAssessment = flag,
            AssessmentTimeout = budget ?? TimeSpan.FromSeconds(10),
        };
        var environment = new Dictionary<string, string>
        {
            [LanguageModelVariables.ApiKey] = "sk-test-key-for-the-local-stub",
            [LanguageModelVariables.BaseUrl] = stub.BaseUrl.ToString(),
            [LanguageModelVariables.Model] = "stub-model",
        };
        var warnings = new List<string>();
        var setup = AssessmentSetup.Create(settings, environment, scenario.Workspace, new Dictionary<string, string>(), TimeProvider.System, logger ?? NullLogger.Instance, warnings);
        Assert.Empty(warnings);
        return setup;
    }

    private static Dictionary<string, object?> Args(string command) => new() { ["command"] = command };

    // One call of the dangerous command through a server whose assessor is the setup's, its question declined: what
    // the client was asked (null when nothing was) and the tool result.
    private static async Task<(ElicitRequestParams? Asked, CallToolResult Result)> AskOnceAsync(ShellScenario scenario, AssessmentSetup setup)
    {
        ElicitRequestParams? asked = null;
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(assessor: setup.Assessor));
        await using var client = await server.ConnectAsync(ElicitingClient.Declining(question => asked = question));
        var result = await client.CallToolAsync("shell", Args(ShellScenario.DangerousCommand));
        return (asked, result);
    }
}
