using System.Text.Json.Nodes;
using AgentExec.Core.Audit;
using AgentExec.Tests.Mcp.Support;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// SPEC.md "Protocol generations", MCP 2026-07-28: a question travels in the call's <c>input_required</c> result and its
/// answer in the client's retry, whose <c>requestState</c> and <c>inputResponses</c> the client — so the attacker —
/// writes. Driven by a raw client, which sends what the SDK's client never would.
/// </summary>
public sealed class InputRequiredRetryTests
{
    private const string Accept = """{"action":"accept"}""";

    [Fact]
    public async Task A_retry_carrying_one_calls_state_with_another_calls_arguments_is_refused_audited_and_gets_no_result()
    {
        using var scenario = new ShellScenario();
        var other = Directory.CreateDirectory(Path.Combine(scenario.Workspace, "other")).FullName;
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        var victimQuestion = await client.AskUnderInputRequiredAsync("victim-call", Arguments(ShellScenario.DangerousCommand));
        await client.AskUnderInputRequiredAsync("other-call", Arguments("rm -rf other"));

        // The answer to "rm -rf victim", sent with the arguments of "rm -rf other".
        await client.CallShellUnderInputRequiredAsync("forged", Arguments("rm -rf other"), victimQuestion.State, Answer(victimQuestion.Key, Accept));
        var forged = await client.ReadToolResultAsync("forged");

        Assert.Equal("denied", forged["status"]!.GetValue<string>());
        Assert.Equal("malformed_response", forged["approval"]!["reason"]!.GetValue<string>());
        Assert.Contains("different call", forged["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(scenario.CommandRan);
        Assert.True(Directory.Exists(other));
        var audited = EventsOf(scenario, "forged");
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.Denial], audited.Select(e => e.Name));
        Assert.Equal("rm -rf other", audited[0].Fields["command"]!.GetValue<string>());
        Assert.Equal("malformed_response", audited[1].Fields["reason"]!.GetValue<string>());

        // The question stays open for its own call, whose retry still gets its own result.
        await client.CallShellUnderInputRequiredAsync("victim-retry", Arguments(ShellScenario.DangerousCommand), victimQuestion.State, Answer(victimQuestion.Key, Accept));
        var own = await client.ReadToolResultAsync("victim-retry");
        Assert.Equal("completed", own["status"]!.GetValue<string>());
        Assert.True(scenario.CommandRan);
        Assert.True(Directory.Exists(other));
    }

    public static TheoryData<string, string> OtherArguments() => new()
    {
        { "command", """{"command":"rm -rf victim "}""" },
        { "workdir", """{"command":"rm -rf victim","workdir":"/tmp"}""" },
        { "timeout", """{"command":"rm -rf victim","timeout_ms":5000}""" },
        { "justification", """{"command":"rm -rf victim","justification":"the human never read this"}""" },
        { "escalation", """{"command":"rm -rf victim","sandbox_permissions":"require_escalated"}""" },
    };

    [Theory]
    [MemberData(nameof(OtherArguments))]
    public async Task A_retry_that_changes_any_field_the_human_was_asked_about_is_refused(string field, string retryArguments)
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        await client.CallShellUnderInputRequiredAsync("retry", JsonNode.Parse(retryArguments)!.AsObject(), question.State, Answer(question.Key, Accept));
        var result = await client.ReadToolResultAsync("retry");

        Assert.True("denied" == result["status"]!.GetValue<string>(), $"changing {field} was accepted");
        Assert.Equal("malformed_response", result["approval"]!["reason"]!.GetValue<string>());
        Assert.False(scenario.CommandRan);
    }

    [Fact]
    public async Task A_retry_is_matched_on_the_validated_values_not_on_the_json_spelling()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        // The defaults spelled out, in another order: the same call.
        var spelledOut = new JsonObject
        {
            ["sandbox_permissions"] = "use_default",
            ["timeout_ms"] = 120000,
            ["workdir"] = scenario.Workspace,
            ["command"] = ShellScenario.DangerousCommand,
        };
        await client.CallShellUnderInputRequiredAsync("retry", spelledOut, question.State, Answer(question.Key, Accept));
        var result = await client.ReadToolResultAsync("retry");

        Assert.Equal("completed", result["status"]!.GetValue<string>());
        Assert.True(scenario.CommandRan);
    }

    [Fact]
    public async Task A_question_is_answered_once_and_a_second_retry_with_its_state_is_told_it_is_no_longer_open()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        await client.CallShellUnderInputRequiredAsync("first", Arguments(ShellScenario.DangerousCommand), question.State, Answer(question.Key, Accept));
        var first = await client.ReadToolResultAsync("first");
        await client.CallShellUnderInputRequiredAsync("second", Arguments(ShellScenario.DangerousCommand), question.State, Answer(question.Key, Accept));
        var second = await client.ReadToolResultAsync("second");

        Assert.Equal("completed", first["status"]!.GetValue<string>());
        Assert.Equal("denied", second["status"]!.GetValue<string>());
        Assert.Equal("no_response", second["approval"]!["reason"]!.GetValue<string>());
        Assert.Null(second["exit_code"]?.GetValue<int?>());
        Assert.Single(scenario.Audit.Events, e => e.Name == AuditEventNames.ExecutionStarted);
    }

    [Fact]
    public async Task A_retry_after_its_question_timed_out_is_told_it_expired_and_nothing_runs()
    {
        using var scenario = new ShellScenario();
        var clock = new ManualTimeProvider();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromSeconds(30)), clock);
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));
        var denied = scenario.Audit.WhenRecorded(AuditEventNames.Denial);

        clock.Advance(TimeSpan.FromSeconds(31));
        await denied.WaitAsync(TimeSpan.FromSeconds(15));
        await client.CallShellUnderInputRequiredAsync("late", Arguments(ShellScenario.DangerousCommand), question.State, Answer(question.Key, Accept));
        var late = await client.ReadToolResultAsync("late");

        Assert.Equal("no_response", EventsOf(scenario, "call").Single(e => e.Name == AuditEventNames.Answer).Fields["reason"]!.GetValue<string>());
        Assert.Equal("denied", late["status"]!.GetValue<string>());
        Assert.Contains("no longer open", late["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.Denial], EventsOf(scenario, "late").Select(e => e.Name));
        Assert.False(scenario.CommandRan);
    }

    [Theory]
    [InlineData("\"0123456789abcdef0123456789abcdef\"")]
    [InlineData("42")]
    [InlineData("{\"state\":1}")]
    public async Task A_state_that_no_open_question_has_is_refused_and_audited(string state)
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        await client.CallShellUnderInputRequiredAsync("forged", Arguments(ShellScenario.DangerousCommand), JsonNode.Parse(state), Answer(question.Key, Accept));
        var forged = await client.ReadToolResultAsync("forged");

        Assert.Equal("denied", forged["status"]!.GetValue<string>());
        Assert.Equal("no_response", forged["approval"]!["reason"]!.GetValue<string>());
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.Denial], EventsOf(scenario, "forged").Select(e => e.Name));
        Assert.False(scenario.CommandRan);
    }

    public static TheoryData<string> BadlyShapedResponses() =>
    [
        "\"accept\"",
        "[{\"action\":\"accept\"}]",
        "42",
        "true",
        "{}",
        "{\"someone-else\":{\"action\":\"accept\"}}",
        "{\"KEY\":{\"action\":\"accept\"},\"extra\":{\"action\":\"accept\"}}",
        "{\"KEY\":\"accept\"}",
    ];

    [Theory]
    [MemberData(nameof(BadlyShapedResponses))]
    public async Task Input_responses_that_are_not_a_map_holding_exactly_this_answer_are_malformed_at_once(string responses)
    {
        using var scenario = new ShellScenario();

        // A five-minute approval timeout: the denial arrives within the raw client's 15-second read, so not by timing out.
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)));
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        await client.CallShellUnderInputRequiredAsync("retry", Arguments(ShellScenario.DangerousCommand), question.State, JsonNode.Parse(responses.Replace("KEY", question.Key, StringComparison.Ordinal)));
        var result = await client.ReadToolResultAsync("retry");

        Assert.Equal("denied", result["status"]!.GetValue<string>());
        Assert.Equal("malformed_response", result["approval"]!["reason"]!.GetValue<string>());
        Assert.Equal("malformed_response", EventsOf(scenario, "call").Single(e => e.Name == AuditEventNames.Answer).Fields["reason"]!.GetValue<string>());
        Assert.False(scenario.CommandRan);
    }

    [Fact]
    public async Task A_retry_without_input_responses_is_a_malformed_answer()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)));
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        await client.CallShellUnderInputRequiredAsync("retry", Arguments(ShellScenario.DangerousCommand), question.State);
        var result = await client.ReadToolResultAsync("retry");

        Assert.Equal("malformed_response", result["approval"]!["reason"]!.GetValue<string>());
        Assert.False(scenario.CommandRan);
    }

    [Fact]
    public async Task Through_the_sdk_client_an_approved_question_runs_the_command_once_with_one_set_of_events()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var asked = 0;

        // No pinned version: the SDK client negotiates 2026-07-28 and retries the call with the answer.
        await using var client = await server.ConnectAsync(ElicitingClient.Accepting(() => Interlocked.Increment(ref asked), protocolVersion: null));
        var result = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = ShellScenario.DangerousCommand });

        Assert.Equal("completed", ShellScenario.Field(result.StructuredContent, "status"));
        Assert.Equal(1, asked);
        Assert.True(scenario.CommandRan);
        foreach (var name in new[] { AuditEventNames.CallReceived, AuditEventNames.ElicitationSent, AuditEventNames.Answer, AuditEventNames.ExecutionStarted, AuditEventNames.ExecutionFinished })
        {
            Assert.Single(scenario.Audit.Events, e => e.Name == name);
        }
    }

    private static JsonObject Arguments(string command) => new() { ["command"] = command };

    private static JsonObject Answer(string key, string answer) => new() { [key] = JsonNode.Parse(answer) };



    private static List<AuditEvent> EventsOf(ShellScenario scenario, string callId) =>
        scenario.Audit.Events.Where(e => e.Fields["call_id"]?.GetValue<string>() == callId).ToList();
}
