using System.Text.Json;
using System.Text.Json.Nodes;
using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.Mcp;

/// <summary>The answer table of SPEC.md "Elicitation", through the real server: the SDK client for the shapes it can send, a raw client for the rest.</summary>
public sealed class ElicitationAnswerTableTests
{
    public static TheoryData<string?, string, string?, string, string> SdkAnswers()
    {
        var data = new TheoryData<string?, string, string?, string, string>();
        string?[] versions = ["2025-06-18", "2025-11-25", null];
        (string Action, string? Content, string Decision, string Reason)[] rows =
        [
            ("accept", null, "approved", "user_approved"),
            ("accept", "{}", "approved", "user_approved"),
            ("accept", """{"scope":"once"}""", "approved", "user_approved"),
            ("accept", """{"scope":"session"}""", "approved_for_session", "user_approved"),
            ("accept", """{"decision":"approved"}""", "approved", "user_approved"),
            ("accept", """{"decision":"approved_for_session"}""", "approved_for_session", "user_approved"),
            ("accept", """{"decision":"denied"}""", "denied", "user_declined"),
            ("accept", """{"decision":"abort"}""", "abort", "user_cancelled"),
            ("decline", null, "denied", "user_declined"),
            ("cancel", null, "abort", "user_cancelled"),
        ];
        foreach (var version in versions)
        {
            foreach (var row in rows)
            {
                data.Add(version, row.Action, row.Content, row.Decision, row.Reason);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SdkAnswers))]
    public async Task Each_answer_the_sdk_client_can_send_decides_as_the_table_says(string? protocolVersion, string action, string? content, string decision, string reason)
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        await using var client = await server.ConnectAsync(ElicitingClient.Answering(action, content, protocolVersion));

        var result = await client.CallToolAsync("shell", new Dictionary<string, object?> { ["command"] = ShellScenario.DangerousCommand });

        Assert.Equal(decision, ShellScenario.Field(result.StructuredContent, "approval", "decision"));
        Assert.Equal(reason, ShellScenario.Field(result.StructuredContent, "approval", "reason"));
        Assert.Equal("user", ShellScenario.Field(result.StructuredContent, "approval", "source"));
        var approved = decision is "approved" or "approved_for_session";
        Assert.Equal(approved, scenario.CommandRan);
        Assert.Equal(approved ? "completed" : "denied", ShellScenario.Field(result.StructuredContent, "status"));
        Assert.Equal(!approved, result.IsError);
    }

    [Theory]
    [InlineData("""{"decision":"approved"}""", "approved", "user_approved")]
    [InlineData("""{"decision":"approved_for_session"}""", "approved_for_session", "user_approved")]
    [InlineData("""{"decision":"denied"}""", "denied", "user_declined")]
    [InlineData("""{"decision":"abort"}""", "abort", "user_cancelled")]
    [InlineData("""{"action":"accept","content":{"scope":"once","reason":"ok by me"},"_meta":{"client":"x"}}""", "approved", "user_approved")]
    public async Task Codex_legacy_answers_and_meta_are_honoured(string answer, string decision, string reason)
    {
        var (result, ran) = await AnswerRawAsync(answer);

        Assert.Equal(decision, result["approval"]!["decision"]!.GetValue<string>());
        Assert.Equal(reason, result["approval"]!["reason"]!.GetValue<string>());
        Assert.Equal(decision is "approved" or "approved_for_session", ran);
    }

    [Theory]
    [InlineData("""{"action":"Accept"}""")]
    [InlineData("""{"action":"ACCEPT","content":{"scope":"session"}}""")]
    [InlineData("""{"action":"approve"}""")]
    [InlineData("""{"action":1}""")]
    [InlineData("""{"action":"accept","content":null}""")]
    [InlineData("""{"action":"accept","content":"yes"}""")]
    [InlineData("""{"action":"accept","content":{"scope":"always"}}""")]
    [InlineData("""{"action":"accept","content":{"decision":"yes"}}""")]
    [InlineData("""{"action":"accept","content":{"Scope":"session"}}""")]
    [InlineData("""{"action":"accept","content":{"reason":5}}""")]
    [InlineData("""{"action":"accept","decision":"approved"}""")]
    [InlineData("""{"action":"decline","decision":"approved"}""")]
    [InlineData("""{"action":"accept","approved":true}""")]
    [InlineData("""{"decision":"approved","scope":"session"}""")]
    [InlineData("""{"decision":"APPROVED"}""")]
    [InlineData("""{}""")]
    [InlineData("""null""")]
    [InlineData("""[]""")]
    [InlineData("\"accept\"")]
    [InlineData("""true""")]
    [InlineData("""{"action":"accept","content":{"reason":"\udc00"}}""")]
    [InlineData("""{"action":"accept","content":{"deci\u017Fion":"denied"}}""")]
    public async Task A_malformed_answer_is_denied_and_the_command_does_not_run(string answer)
    {
        var (result, ran) = await AnswerRawAsync(answer);

        Assert.False(ran);
        Assert.Equal("denied", result["status"]!.GetValue<string>());
        Assert.Equal("denied", result["approval"]!["decision"]!.GetValue<string>());
        Assert.Equal("malformed_response", result["approval"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_json_rpc_error_answer_is_denied_as_client_error()
    {
        var (result, ran) = await CallAndAnswerRawAsync((client, question) => client.FailAsync(question, -32603, "the client broke"));

        Assert.Equal("client_error", result["approval"]!["reason"]!.GetValue<string>());
        Assert.False(ran);
    }

    // Found by the answer fuzzer: past System.Text.Json's 64 levels the SDK cannot read the client's response line at
    // all, so the answer never reaches the table; the question goes unanswered and times out, and nothing runs.
    [Fact]
    public async Task An_accept_nested_deeper_than_the_json_reader_allows_never_arrives_and_times_out()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMilliseconds(500)));
        var client = server.ConnectRaw();
        await client.InitializeAsync();
        await client.CallShellAsync("call-1", new JsonObject { ["command"] = ShellScenario.DangerousCommand });
        var question = await client.ReadMessageAsync("elicitation/create");

        await client.AnswerAsync(question, """{"action":"accept","_meta":{"x":""" + new string('[', 62) + new string(']', 62) + "}}");
        var response = await client.ReadResponseAsync("call-1");

        Assert.Equal("no_response", response["result"]!["structuredContent"]!["approval"]!["reason"]!.GetValue<string>());
        Assert.False(scenario.CommandRan);
    }

    // The SDK handles each message it reads on a task of its own: of two responses to one question that arrive
    // together, the later could be the one the question received, and a decline followed at once by an accept ran the
    // command. The first response is the answer; a second is dropped.
    [Theory]
    [InlineData("""{"action":"decline"}""", "user_declined")]
    [InlineData("""{"action":"cancel"}""", "user_cancelled")]
    [InlineData("""{"action":"Accept"}""", "malformed_response")]
    public async Task Of_two_answers_sent_together_only_the_first_decides(string first, string reason)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (result, ran) = await CallAndAnswerRawAsync((client, question) =>
            {
                var id = question["id"]!.ToJsonString();
                return client.SendAsync(
                    "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + first + "}\n"
                    + "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"action\":\"accept\"}}");
            });

            Assert.False(ran, $"attempt {attempt}");
            Assert.Equal(reason, result["approval"]!["reason"]!.GetValue<string>());
        }
    }

    // Found by an attack: the SDK keeps the last of two same-named members, so a response naming "result" twice, a
    // decline and then an accept, ran the command. It is no answer now, whichever order the two come in.
    [Theory]
    [InlineData("""{"action":"decline"}""", """{"action":"accept"}""")]
    [InlineData("""{"action":"accept"}""", """{"action":"decline"}""")]
    [InlineData("""{"action":"accept"}""", """{"action":"accept","content":{"scope":"session"}}""")]
    public async Task A_response_that_names_its_result_twice_is_no_answer(string first, string second)
    {
        var (result, ran) = await CallAndAnswerRawAsync((client, question) =>
            client.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":" + question["id"]!.ToJsonString() + ",\"result\":" + first + ",\"result\":" + second + "}"));

        Assert.False(ran);
        Assert.Equal("denied", result["approval"]!["decision"]!.GetValue<string>());
        Assert.Equal("client_error", result["approval"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_accept_right_after_a_json_rpc_error_answer_counts_for_nothing()
    {
        var (result, ran) = await CallAndAnswerRawAsync(async (client, question) =>
        {
            await client.FailAsync(question, -32603, "the client broke");
            await client.AnswerAsync(question, """{"action":"accept"}""");
        });

        Assert.False(ran);
        Assert.Equal("client_error", result["approval"]!["reason"]!.GetValue<string>());
    }

    private static Task<(JsonNode Result, bool Ran)> AnswerRawAsync(string answer) =>
        CallAndAnswerRawAsync((client, question) => client.AnswerAsync(question, answer));

    // The dangerous command through a raw client that answers its question as the test says: the tool result's
    // structured content, and whether the command ran.
    private static async Task<(JsonNode Result, bool Ran)> CallAndAnswerRawAsync(Func<RawMcpClient, JsonObject, Task> answer)
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync();

        await client.CallShellAsync("call-1", new JsonObject { ["command"] = ShellScenario.DangerousCommand });
        var question = await client.ReadMessageAsync("elicitation/create");
        await answer(client, question);
        var response = await client.ReadResponseAsync("call-1");

        return (response["result"]!["structuredContent"]!, scenario.CommandRan);
    }
}
