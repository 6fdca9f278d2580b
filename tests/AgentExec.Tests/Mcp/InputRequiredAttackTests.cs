using System.Reflection;
using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Server;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// An attacker's view of SPEC.md "Protocol generations" (MCP 2026-07-28): the client writes every byte of every retry,
/// and the file system (the scenario's victim directory) says whether a command ran that the human did not approve.
/// </summary>
public sealed class InputRequiredAttackTests
{
    private const string Accept = """{"action":"accept"}""";
    private const string Meta2026 = """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"elicitation":{"form":{}}},"io.modelcontextprotocol/clientInfo":{"name":"raw","version":"0"}}""";

    [Fact]
    public async Task Eight_concurrent_retries_with_one_state_deliver_the_answer_once_and_run_the_command_once()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        // All eight are written before any is answered.
        var retries = Enumerable.Range(0, 8).Select(i => $"retry-{i}").ToArray();
        await client.SendAsync(string.Join("\n", retries.Select(id => RetryJson(id, Arguments(ShellScenario.DangerousCommand).ToJsonString(), $"\"{question.State}\"", Answer(question.Key, Accept).ToJsonString()))));
        var results = new List<JsonNode>();
        foreach (var id in retries)
        {
            results.Add(await client.ReadToolResultAsync(id));
        }

        Assert.Single(results, r => r["status"]!.GetValue<string>() == "completed");
        Assert.Equal(7, results.Count(r => r["approval"]?["reason"]?.GetValue<string>() == "no_response"));
        Assert.Single(scenario.Audit.Events, e => e.Name == AuditEventNames.ExecutionStarted);
        Assert.Single(scenario.Audit.Events, e => e.Name == AuditEventNames.Answer);
    }

    public static TheoryData<string, string> SmuggledAnswers() => new()
    {
        // A second answer under the same key, in the map or in the answer: JSON allows it, parsers disagree on the winner.
        { "duplicate key in inputResponses", """{"KEY":{"action":"decline"},"KEY":{"action":"accept"}}""" },
        { "duplicate action", """{"KEY":{"action":"decline","action":"accept"}}""" },
        { "duplicate content", """{"KEY":{"action":"accept","content":{"scope":"once"},"content":{"decision":"denied"}}}""" },
        { "case variant of action", """{"KEY":{"Action":"accept"}}""" },
        { "case variant beside action", """{"KEY":{"action":"decline","ACTION":"accept"}}""" },
        { "case variant of the key beside the key", """{"KEY":{"action":"decline"},"UPPERKEY":{"action":"accept"}}""" },
        { "null answer", """{"KEY":null}""" },
        { "answer with _meta only", """{"KEY":{"_meta":{"action":"accept"}}}""" },
        { "legacy with extra key", """{"KEY":{"decision":"approved","action":"accept"}}""" },
    };

    [Theory]
    [MemberData(nameof(SmuggledAnswers))]
    public async Task A_smuggled_second_answer_is_malformed_and_runs_nothing(string label, string responses)
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)));
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));
        var raw = responses.Replace("UPPERKEY", question.Key.ToUpperInvariant(), StringComparison.Ordinal).Replace("KEY", question.Key, StringComparison.Ordinal);

        await client.SendAsync(RetryJson("retry", Arguments(ShellScenario.DangerousCommand).ToJsonString(), $"\"{question.State}\"", raw));
        var result = await client.ReadToolResultAsync("retry");

        Assert.True("denied" == result["status"]!.GetValue<string>(), label);
        Assert.Equal("malformed_response", result["approval"]!["reason"]!.GetValue<string>());
        Assert.False(scenario.CommandRan);
    }

    [Fact]
    public async Task Two_request_states_in_one_retry_run_nothing_and_the_server_keeps_serving()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)));
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        // The same name twice, and the same name in another case: whichever one a reader keeps, nothing may run.
        var responses = Answer(question.Key, Accept).ToJsonString();
        var message = "{\"jsonrpc\":\"2.0\",\"id\":\"dup\",\"method\":\"tools/call\",\"params\":{\"name\":\"shell\",\"arguments\":{\"command\":\"rm -rf victim\"},"
            + $"\"_meta\":{Meta2026},\"requestState\":\"0123456789abcdef0123456789abcdef\",\"requestState\":\"{question.State}\",\"inputResponses\":{responses}}}}}";
        await client.SendAsync(message);
        var duplicate = await client.ReadResponseAsync("dup");

        // The real state under a case variant of the name, a bogus one under the name itself: the name is what counts.
        var cased = "{\"jsonrpc\":\"2.0\",\"id\":\"cased\",\"method\":\"tools/call\",\"params\":{\"name\":\"shell\",\"arguments\":{\"command\":\"rm -rf victim\"},"
            + $"\"_meta\":{Meta2026},\"requestState\":\"0123456789abcdef0123456789abcdef\",\"RequestState\":\"{question.State}\",\"inputResponses\":{responses}}}}}";
        await client.SendAsync(cased);
        var caseVariant = await client.ReadToolResultAsync("cased");

        Assert.NotNull(duplicate["error"]);
        Assert.Equal("no_response", caseVariant["approval"]!["reason"]!.GetValue<string>());
        Assert.False(scenario.CommandRan);
        Assert.Equal(1, OpenQuestions(server));

        // The session still works, and the question is still the client's to answer.
        await client.CallShellUnderInputRequiredAsync("retry", Arguments(ShellScenario.DangerousCommand), question.State, Answer(question.Key, Accept));
        Assert.Equal("completed", (await client.ReadToolResultAsync("retry"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Retry_fields_put_inside_the_arguments_or_meta_are_not_a_retry_and_answer_nothing()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)));
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        var inArguments = Arguments(ShellScenario.DangerousCommand);
        inArguments["requestState"] = question.State;
        inArguments["inputResponses"] = Answer(question.Key, Accept);
        await client.CallShellUnderInputRequiredAsync("in-arguments", inArguments);
        var rejected = await client.ReadToolResultAsync("in-arguments");

        var meta = JsonNode.Parse(Meta2026)!.AsObject();
        meta["requestState"] = question.State;
        meta["inputResponses"] = Answer(question.Key, Accept);
        await client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = "in-meta",
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = "shell", ["arguments"] = Arguments(ShellScenario.DangerousCommand), ["_meta"] = meta },
        });
        var inMeta = (await client.ReadResponseAsync("in-meta"))["result"]!;

        Assert.Equal("failed_to_start", rejected["status"]!.GetValue<string>());
        Assert.Equal("input_required", inMeta["resultType"]?.GetValue<string>());
        Assert.NotEqual(question.State, inMeta["requestState"]!.GetValue<string>());
        Assert.False(scenario.CommandRan);
        Assert.Equal(2, OpenQuestions(server));
    }

    [Fact]
    public async Task A_2025_style_elicitation_response_under_2026_answers_no_question()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)));
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        // Responses to server requests that were never sent, with every id a server might have used.
        foreach (var id in new[] { "0", "1", "2", "\"1\"", "\"call\"", $"\"{question.Key}\"", $"\"{question.State}\"" })
        {
            await client.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{Accept}}}");
        }

        await client.SendAsync("""{"jsonrpc":"2.0","id":"ping","method":"ping"}""");
        await client.ReadResponseAsync("ping");

        Assert.False(scenario.CommandRan);
        Assert.Equal(1, OpenQuestions(server));
        Assert.DoesNotContain(scenario.Audit.Events, e => e.Name == AuditEventNames.Answer);
    }

    [Fact]
    public async Task A_flood_of_bogus_and_oversized_states_is_refused_one_by_one_and_leaves_the_real_question_open()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)));
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        var bogus = Enumerable.Range(0, 100).Select(i => $"bogus-{i}").ToArray();
        await client.SendAsync(string.Join("\n", bogus.Select(id => RetryJson(id, Arguments(ShellScenario.DangerousCommand).ToJsonString(), $"\"{Guid.NewGuid():N}\"", Answer(question.Key, Accept).ToJsonString()))));
        foreach (var id in bogus)
        {
            Assert.Equal("no_response", (await client.ReadToolResultAsync(id))["approval"]!["reason"]!.GetValue<string>());
        }

        // An 8 MB state, and the real state with an extra character.
        await client.SendAsync(RetryJson("huge", Arguments(ShellScenario.DangerousCommand).ToJsonString(), $"\"{new string('a', 8 * 1024 * 1024)}\"", Answer(question.Key, Accept).ToJsonString()));
        Assert.Equal("denied", (await client.ReadToolResultAsync("huge"))["status"]!.GetValue<string>());
        await client.SendAsync(RetryJson("near", Arguments(ShellScenario.DangerousCommand).ToJsonString(), $"\"{question.State} \"", Answer(question.Key, Accept).ToJsonString()));
        Assert.Equal("denied", (await client.ReadToolResultAsync("near"))["status"]!.GetValue<string>());
        await client.SendAsync(RetryJson("upper", Arguments(ShellScenario.DangerousCommand).ToJsonString(), $"\"{question.State.ToUpperInvariant()}\"", Answer(question.Key, Accept).ToJsonString()));
        Assert.Equal("denied", (await client.ReadToolResultAsync("upper"))["status"]!.GetValue<string>());

        Assert.False(scenario.CommandRan);
        Assert.Equal(1, OpenQuestions(server));
        await client.CallShellUnderInputRequiredAsync("retry", Arguments(ShellScenario.DangerousCommand), question.State, Answer(question.Key, Accept));
        Assert.Equal("completed", (await client.ReadToolResultAsync("retry"))["status"]!.GetValue<string>());
        Assert.Equal(0, OpenQuestions(server));
    }

    [Fact]
    public async Task Deeply_nested_input_responses_are_malformed_or_dropped_and_the_server_keeps_serving()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)));
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        // Beyond the JSON reader's depth limit: the message cannot be read at all.
        var deep = new string('[', 5000) + new string(']', 5000);
        await client.SendAsync(RetryJson("deep", Arguments(ShellScenario.DangerousCommand).ToJsonString(), $"\"{question.State}\"", $"{{\"{question.Key}\":{{\"action\":\"accept\",\"content\":{{\"x\":{deep}}}}}}}"));

        // Within it: the answer is read, and the deep part is an ignored unknown key of content.
        var nested = new string('[', 50) + new string(']', 50);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"ping","method":"ping"}""");
        await client.ReadResponseAsync("ping");
        Assert.False(scenario.CommandRan);
        await client.SendAsync(RetryJson("nested", Arguments(ShellScenario.DangerousCommand).ToJsonString(), $"\"{question.State}\"", $"{{\"{question.Key}\":{{\"action\":\"decline\",\"content\":{{\"x\":{nested}}}}}}}"));
        var result = await client.ReadToolResultAsync("nested");

        Assert.Equal("user_declined", result["approval"]!["reason"]!.GetValue<string>());
        Assert.False(scenario.CommandRan);
    }

    [Fact]
    public async Task A_retry_cancelled_while_its_approved_command_runs_kills_the_command()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        const string Slow = "sleep 3; rm -rf victim";
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(Slow));
        var started = scenario.Audit.WhenRecorded(AuditEventNames.ExecutionStarted);
        var finished = scenario.Audit.WhenRecorded(AuditEventNames.ExecutionFinished);

        await client.CallShellUnderInputRequiredAsync("retry", Arguments(Slow), question.State, Answer(question.Key, Accept));
        await started.WaitAsync(TimeSpan.FromSeconds(10));
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"retry"}}""");
        await finished.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.False(scenario.CommandRan);
    }

    [Fact]
    public async Task A_disconnect_with_64_suspended_calls_denies_each_as_disconnected_and_leaves_nothing_behind()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)));
        var client = server.ConnectRaw();
        var calls = Enumerable.Range(0, 64).Select(i => $"call-{i}").ToArray();
        foreach (var id in calls)
        {
            await client.AskUnderInputRequiredAsync(id, Arguments(ShellScenario.DangerousCommand));
        }

        // The 65th is over the limit.
        await client.CallShellUnderInputRequiredAsync("one-too-many", Arguments(ShellScenario.DangerousCommand));
        Assert.Equal("too_many_pending", (await client.ReadToolResultAsync("one-too-many"))["approval"]!["reason"]!.GetValue<string>());
        Assert.Equal(64, OpenQuestions(server));

        client.Disconnect();
        await server.Connection.WhenTrackedWorkEndsAsync().WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, OpenQuestions(server));
        var answers = scenario.Audit.Events.Where(e => e.Name == AuditEventNames.Answer).ToList();
        Assert.Equal(64, answers.Count(e => e.Fields["reason"]!.GetValue<string>() == "disconnected"));
        Assert.Equal(65, scenario.Audit.Events.Count(e => e.Name == AuditEventNames.Denial));
        Assert.False(scenario.CommandRan);
    }

    [Fact]
    public async Task Questions_that_time_out_leave_no_state_behind()
    {
        using var scenario = new ShellScenario();
        var clock = new ManualTimeProvider();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromSeconds(30)), clock);
        var client = server.ConnectRaw();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 64; i++)
            {
                await client.AskUnderInputRequiredAsync($"r{round}-{i}", Arguments(ShellScenario.DangerousCommand));
            }

            Assert.Equal(64, OpenQuestions(server));
            clock.Advance(TimeSpan.FromSeconds(31));
            await server.Connection.WhenTrackedWorkEndsAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(0, OpenQuestions(server));
        }

        Assert.Equal(192, scenario.Audit.Events.Count(e => e.Name == AuditEventNames.Answer && e.Fields["reason"]!.GetValue<string>() == "no_response"));
    }

    [BubblewrapFact]
    public async Task The_retry_without_sandbox_question_cannot_be_answered_with_the_first_rounds_state_or_key()
    {
        // Untrusted: round 1 asks to run in the sandbox; the sandbox blocks the write; round 2 asks to run without it.
        using var scenario = new SandboxScenario();
        var witness = Path.Combine(scenario.Outside, SandboxScenario.UniqueMarker());
        var command = scenario.Script("deny.sh", $"echo retried > {witness}");
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(scenario.Settings(policy: ApprovalPolicy.Untrusted)));
        using var client = server.ConnectRaw();
        var first = await client.AskUnderInputRequiredAsync("call", Arguments(command));
        await client.CallShellUnderInputRequiredAsync("round-1", Arguments(command), first.State, Answer(first.Key, Accept));
        var round1 = (await client.ReadResponseAsync("round-1"))["result"]!;
        Assert.Equal("input_required", round1["resultType"]!.GetValue<string>());
        var second = (State: round1["requestState"]!.GetValue<string>(), Key: Assert.Single(round1["inputRequests"]!.AsObject()).Key);

        // The first round's state again (replayed), then the second round's state with the first round's key.
        await client.CallShellUnderInputRequiredAsync("replay", Arguments(command), first.State, Answer(first.Key, Accept));
        var replay = await client.ReadToolResultAsync("replay");
        await client.CallShellUnderInputRequiredAsync("old-key", Arguments(command), second.State, Answer(first.Key, Accept));
        var oldKey = await client.ReadToolResultAsync("old-key");

        Assert.Equal("no_response", replay["approval"]!["reason"]!.GetValue<string>());
        Assert.Equal("malformed_response", oldKey["approval"]!["reason"]!.GetValue<string>());
        Assert.Equal("denied", oldKey["status"]!.GetValue<string>());
        Assert.False(File.Exists(witness), "the retry without the sandbox ran");
    }

    [BubblewrapFact]
    public async Task A_session_answer_to_the_retry_without_sandbox_question_is_approved_once_only()
    {
        using var scenario = new SandboxScenario();
        var witness = Path.Combine(scenario.Outside, SandboxScenario.UniqueMarker());
        var command = scenario.Script("deny.sh", $"echo retried >> {witness}");
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(scenario.Settings(policy: ApprovalPolicy.OnFailure)));
        using var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(command));
        await client.CallShellUnderInputRequiredAsync("retry", Arguments(command), question.State, Answer(question.Key, """{"action":"accept","content":{"scope":"session"}}"""));
        var result = await client.ReadToolResultAsync("retry");
        Assert.Equal("approved", result["approval"]!["decision"]!.GetValue<string>());

        // The same call again asks again: nothing was remembered for the session.
        await client.AskUnderInputRequiredAsync("again", Arguments(command));
        Assert.Single(File.ReadAllLines(witness));
    }

    [Fact]
    public async Task A_2025_initialize_after_a_2026_question_does_not_switch_the_session_to_plain_elicitation()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)));
        var client = server.ConnectRaw();
        var question = await client.AskUnderInputRequiredAsync("call", Arguments(ShellScenario.DangerousCommand));

        // A 2025 handshake in the middle of a 2026 session, then a call without per-request metadata.
        await client.InitializeAsync("2025-06-18");
        await client.CallShellAsync("plain", Arguments("rm -rf victim"));
        var plain = await client.ReadMessageOrResponseAsync("elicitation/create", "plain");

        Assert.NotNull(plain["error"]);
        Assert.False(scenario.CommandRan);
        Assert.Equal(1, OpenQuestions(server));
        await client.CallShellUnderInputRequiredAsync("retry", Arguments(ShellScenario.DangerousCommand), question.State, Answer(question.Key, """{"action":"decline"}"""));
        Assert.Equal("user_declined", (await client.ReadToolResultAsync("retry"))["approval"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_retry_cancelled_before_it_is_handled_never_approves_its_call()
    {
        // The retry and its cancellation are written together; the justification is large, so reading the retry's
        // arguments outlasts handling the cancellation and the retry is cancelled before its answer is delivered. The
        // answer then must find its call cancelled: linked any later, the approval races the cancellation (it won
        // about one time in eight), and the command would start if it also won the last check before the run.
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)));
        var client = server.ConnectRaw();
        var arguments = Arguments(ShellScenario.DangerousCommand);
        arguments["justification"] = new string('j', 4 * 1024 * 1024);
        for (var round = 0; round < 3; round++)
        {
            var question = await client.AskUnderInputRequiredAsync($"call-{round}", (JsonObject)arguments.DeepClone());
            await client.SendAsync(RetryJson($"retry-{round}", arguments.ToJsonString(), $"\"{question.State}\"", Answer(question.Key, Accept).ToJsonString())
                + "\n" + $"{{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{{\"requestId\":\"retry-{round}\"}}}}");
            await WhenAsync(() => scenario.Audit.Events.Any(e => e.Name == AuditEventNames.Denial && e.Fields["call_id"]?.GetValue<string>() == $"call-{round}"));

            var answer = scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Answer && e.Fields["call_id"]?.GetValue<string>() == $"call-{round}");
            Assert.True("call_cancelled" == answer.Fields["reason"]!.GetValue<string>(), $"round {round}: {answer.Fields.ToJsonString()}");
            Assert.DoesNotContain(scenario.Audit.Events, e => e.Name == AuditEventNames.ExecutionStarted);
        }

        Assert.False(scenario.CommandRan);
    }

    // Polls: the events arrive from the server's own tasks.
    private static async Task WhenAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static JsonObject Arguments(string command) => new() { ["command"] = command };

    private static JsonObject Answer(string key, string answer) => new() { [key] = JsonNode.Parse(answer) };

    // A 2026-07-28 retry spelled by hand, so that its parts can be JSON a JsonNode would not write.
    private static string RetryJson(string id, string arguments, string requestState, string inputResponses) =>
        "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"tools/call\",\"params\":{\"name\":\"shell\",\"arguments\":" + arguments
        + ",\"_meta\":" + Meta2026 + ",\"requestState\":" + requestState + ",\"inputResponses\":" + inputResponses + "}}";



    // The server's books, read by reflection: how many questions are out with the client.
    private static int OpenQuestions(InMemoryMcpServer server)
    {
        var mcp = (McpServer)typeof(InMemoryMcpServer).GetField("_server", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(server)!;
        var tool = mcp.ServerOptions.ToolCollection!.Single();
        var field = tool.GetType().GetFields(BindingFlags.NonPublic | BindingFlags.Instance).Single(f => f.Name.Contains("suspendedCalls", StringComparison.Ordinal));
        var calls = field.GetValue(tool)!;
        return (int)calls.GetType().GetProperty("OpenQuestions")!.GetValue(calls)!;
    }
}
