using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit.Abstractions;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// The real <c>agentexec serve</c> process under load and faults (issue 13): many calls and questions at once, a client
/// that vanishes or sends garbage, huge outputs, and thousands of calls and unanswered questions, with the server's
/// resident memory read from <c>/proc</c>. Each test writes its figures to the test output.
/// </summary>
/// <remarks>
/// <para>
/// The memory tests measure growth after a warm-up: the resident set of a fresh server rises over its first few hundred
/// to 1,500 calls (code compiled and recompiled by the tiered JIT, the GC's older generations finding their size) and is
/// then flat, give or take the GC's own swings. A server that keeps something per call or question grows by megabytes
/// over the measured thousands, so each bound sits between: several times the flat server's swings, and a fraction of
/// what such a leak adds. The figures behind each bound are beside it (2-core machine, JIT-hosted test build).
/// </para>
/// <para>
/// Sequential calls cost about 6.5 ms each on that machine, so by default 1,000 are measured, not the 10,000:
/// <c>AGENTEXEC_TEST_SEQUENTIAL_CALLS=10000</c> measures the full figure (about 65 s more).
/// <c>AGENTEXEC_TEST_UNANSWERED_QUESTIONS</c> changes the 2,000 unanswered questions measured (about 6 ms each).
/// </para>
/// </remarks>
public sealed class LoadAndFaultProcessTests(ITestOutputHelper output)
{
    private const string SequentialCallsVariable = "AGENTEXEC_TEST_SEQUENTIAL_CALLS";
    private const int DefaultSequentialCalls = 1_000;

    /// <summary>
    /// The sequential warm-up is over when 250 more calls moved the resident set by less than 1 MiB, after 1,500 to
    /// 3,000 calls. Not sooner: on a quiet machine the resident set pauses near 72 MiB at 250 to 500 calls and reaches
    /// its plateau near 79 MiB only after about 1,250 (the JIT-hosted test binary's tiering and the runtime's pools), so
    /// a pause seen earlier is not yet the settled server.
    /// </summary>
    private const int SequentialSettleCalls = 250;
    private const double SequentialSettledMiB = 1;
    private const int SequentialMinWarmUpCalls = 1_500;
    private const int SequentialMaxWarmUpCalls = 3_000;

    /// <summary>
    /// Measured: 61 MiB at start, settled at 79.4 to 80.8 MiB after 500 to 1,750 calls, then 0.1 to 0.2 MiB more over
    /// 1,000 calls and 79.5 MiB after 10,000. 4 MiB over 1,000 calls is 4 KB kept per call.
    /// </summary>
    private const double SequentialGrowthBoundMiB = 4;

    private const string UnansweredQuestionsVariable = "AGENTEXEC_TEST_UNANSWERED_QUESTIONS";
    private const int DefaultUnansweredQuestions = 2_000;
    private const int UnansweredWarmUpQuestions = 1_000;

    /// <summary>
    /// Measured with <see cref="LongJustification"/>, 2,000 questions after 1,000: under 2025-11-25 the resident set
    /// swings between 83 and 89 MiB with no trend (growth -0.9 to 0.7 MiB); under 2026-07-28, with the SDK keeping every
    /// suspended handler until a retry that never comes, it grows by about 17 MiB every 1,000 questions (51 to 54 MiB
    /// over 3,000). 15 MiB over 2,000 questions is 7.5 KB kept per question.
    /// </summary>
    private const double UnansweredGrowthBoundMiB = 15;

    /// <summary>Half the pending limit (SPEC.md: 64), so a question the server is still closing never makes the next one too_many_pending.</summary>
    private const int UnansweredAtOnce = 32;

    /// <summary>How often the memory tests write the resident set to the test output.</summary>
    private const int MemorySampleInterval = 250;

    /// <summary>
    /// The peak resident set allowed while two commands print 500 MB each. Measured: 61 MiB before, 144 to 159 MiB peak.
    /// Each call's kept output (1 MiB of each stream) becomes some 40 MiB of short-lived large objects on its way to the
    /// client (copies of the text as JSON, as the text block, as the line written), which the GC frees when it gets to
    /// them; an uncapped capture would hold the gigabyte itself (1,147 MiB when the buffer was made to keep everything).
    /// </summary>
    private const double PeakBoundForHugeOutputMiB = 256;

    /// <summary>The bound on any one wait: generous, so a loaded machine is slow rather than failing.</summary>
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    /// <summary>The bound on the whole unanswered-questions run (about 17 s on a quiet 2-core machine).</summary>
    private static readonly TimeSpan UnansweredBound = TimeSpan.FromSeconds(180);

    /// <summary>
    /// About 4 KiB of justification for each unanswered question, as an agent explaining itself sends: what a server
    /// keeps of a question then shows in megabytes (without it the 2026-07-28 leak added some 7 KB a question, too
    /// close to the GC's swings over 2,000 questions to tell apart).
    /// </summary>
    private static readonly string LongJustification = string.Join(' ', Enumerable.Repeat("a long reason the agent gives for this command", 85));

    /// <summary>Parse error or invalid request: JSON-RPC's codes for a line that is not a valid request.</summary>
    private static readonly int[] InvalidRequestCodes = [-32700, -32600];

    /// <summary>Lines no request id can be read from (so no answer can name one), and messages that need no answer.</summary>
    private static readonly string[] LinesWithoutAnAnswerableId =
    [
        "garbage",
        "{",
        "}",
        "[]",
        "[1,2,3]",
        """[{"jsonrpc":"2.0","id":"in-a-batch","method":"ping"}]""",
        "42",
        "\"a string\"",
        "null",
        "true",
        """{"foo":"bar"}""",
        """{"jsonrpc":"2.0","id":1.5,"method":"ping"}""",
        """{"jsonrpc":"2.0","id":true,"method":"ping"}""",
        """{"jsonrpc":"2.0","id":{},"method":"ping"}""",
        """{"jsonrpc":"2.0","id":[1],"method":"ping"}""",
        """{"jsonrpc":"2.0","id":null,"method":"ping"}""",
        """{"jsonrpc":"2.0","id":99999999999999999999999,"method":"ping"}""",
        """{"jsonrpc":"2.0","method":"no/such/notification"}""",
        """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"never-sent"}}""",
        """{"jsonrpc":"2.0","id":"answer-to-nothing","result":{}}""",
        """{"jsonrpc":"2.0","id":12345,"error":{"code":1,"message":"an error for a request never made"}}""",
    ];

    [Fact]
    public async Task Two_hundred_concurrent_known_safe_calls_each_return_their_own_output()
    {
        // Arrange
        using var agentexec = new AgentExecProcess();
        await using var server = ServeProcess.Start(agentexec);
        await using var client = await server.ConnectAsync(new McpClientOptions { ProtocolVersion = ElicitingClient.ProtocolVersion });
        var stopwatch = Stopwatch.StartNew();

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(n => client.CallToolAsync("shell", Command($"echo {n}")).AsTask())).WaitAsync(Bounded);

        // Assert
        Report($"200 concurrent echo calls: {stopwatch.ElapsedMilliseconds} ms, {server.Memory}");
        for (var n = 0; n < results.Length; n++)
        {
            Assert.Equal("completed", ShellScenario.Field(results[n].StructuredContent, "status"));
            Assert.Equal($"{n}\n", ShellScenario.Field(results[n].StructuredContent, "stdout"));
            Assert.Null(ShellScenario.Field(results[n].StructuredContent, "approval"));
        }
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task Sixty_four_questions_pending_at_once_and_answered_in_random_order_each_decide_only_their_own_call(string protocolVersion)
    {
        // Arrange: 64 dangerous calls, each asking about its own directory, answered accept (with a note naming it) or
        // decline in an order unrelated to the calls'; a 65th call while all 64 wait.
        const int Pending = 64;
        using var agentexec = new AgentExecProcess();
        var victims = Enumerable.Range(0, Pending + 1).Select(n => Directory.CreateDirectory(Path.Combine(agentexec.Workspace, $"victim{n}")).FullName).ToArray();
        var answers = Enumerable.Range(0, Pending).Select(_ => new TaskCompletionSource<ElicitResult>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var timesAsked = new int[Pending + 1];
        var asked = 0;
        var allAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = ServeProcess.Start(agentexec);
        await using var client = await server.ConnectAsync(ElicitingClient.Handling(
            question =>
            {
                var n = VictimNumber(question);
                Interlocked.Increment(ref timesAsked[n]);
                if (Interlocked.Increment(ref asked) == Pending)
                {
                    allAsked.TrySetResult();
                }

                return n < Pending ? new ValueTask<ElicitResult>(answers[n].Task) : ValueTask.FromResult(new ElicitResult { Action = "accept" });
            },
            protocolVersion));
        var random = new Random(13);
        var accepted = Enumerable.Range(0, Pending).Select(_ => random.Next(2) == 0).ToArray();
        var order = Enumerable.Range(0, Pending).ToArray();
        random.Shuffle(order);

        // Act
        var calls = Enumerable.Range(0, Pending).Select(n => client.CallToolAsync("shell", Command($"rm -rf victim{n}")).AsTask()).ToArray();
        await allAsked.Task.WaitAsync(Bounded);
        var beyondTheLimit = await client.CallToolAsync("shell", Command($"rm -rf victim{Pending}")).AsTask().WaitAsync(Bounded);
        foreach (var n in order)
        {
            answers[n].SetResult(accepted[n]
                ? new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["reason"] = JsonSerializer.SerializeToElement($"yes to {n}") } }
                : new ElicitResult { Action = "decline" });
        }

        var results = await Task.WhenAll(calls).WaitAsync(Bounded);

        // Assert
        Report($"{Pending} pending questions under {protocolVersion}, {accepted.Count(a => a)} accepted: {server.Memory}");
        Assert.Equal("denied", ShellScenario.Field(beyondTheLimit.StructuredContent, "status"));
        Assert.Equal("too_many_pending", ShellScenario.Field(beyondTheLimit.StructuredContent, "approval", "reason"));
        Assert.True(Directory.Exists(victims[Pending]));
        Assert.Equal(0, timesAsked[Pending]);
        Assert.All(timesAsked[..Pending], count => Assert.Equal(1, count));
        Assert.Contains(true, accepted);
        Assert.Contains(false, accepted);
        for (var n = 0; n < Pending; n++)
        {
            var result = results[n].StructuredContent;
            Assert.Equal(accepted[n] ? "completed" : "denied", ShellScenario.Field(result, "status"));
            Assert.Equal(accepted[n] ? "approved" : "denied", ShellScenario.Field(result, "approval", "decision"));
            Assert.Equal(accepted[n] ? "user_approved" : "user_declined", ShellScenario.Field(result, "approval", "reason"));
            Assert.Equal(accepted[n] ? $"yes to {n}" : null, ShellScenario.Field(result, "approval", "note"));
            Assert.Equal(!accepted[n], Directory.Exists(victims[n]));
        }

        // Each call arrived, was asked about and ran (or not) once, however its answer travelled (a retry under 2026-07-28).
        var events = AuditEvents(agentexec);
        Assert.Equal(Pending + 1, events.Count(e => e == "call_received"));
        Assert.Equal(Pending, events.Count(e => e == "elicitation_sent"));
        Assert.Equal(accepted.Count(a => a), events.Count(e => e == "execution_started"));
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task A_client_that_disconnects_with_sixteen_questions_pending_runs_nothing_and_the_server_exits(string protocolVersion)
    {
        // Arrange
        const int Pending = 16;
        using var agentexec = new AgentExecProcess();
        var victims = Enumerable.Range(0, Pending).Select(n => Directory.CreateDirectory(Path.Combine(agentexec.Workspace, $"victim{n}")).FullName).ToArray();
        var asked = 0;
        var allAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = ServeProcess.Start(agentexec);
        var client = await server.ConnectAsync(ElicitingClient.Holding(
            _ =>
            {
                if (Interlocked.Increment(ref asked) == Pending)
                {
                    allAsked.TrySetResult();
                }
            },
            protocolVersion));

        // Under 2026-07-28 the client's own wait for its human is bound to the call, not to the connection: the test
        // ends it by abandoning the calls.
        using var abandon = new CancellationTokenSource();
        var calls = Enumerable.Range(0, Pending).Select(n => client.CallToolAsync("shell", Command($"rm -rf victim{n}"), cancellationToken: abandon.Token).AsTask()).ToArray();
        await allAsked.Task.WaitAsync(Bounded);

        // Act: the client's end of the server's stdin goes away, as when the client process dies.
        var stopwatch = Stopwatch.StartNew();
        server.CloseInput();

        // SPEC.md "Elicitation": denied at once, and the stdio server exits. 5 s is the figure; the slack
        // beyond it keeps a loaded machine from failing a server that is merely slow.
        var exited = await server.WaitForExitAsync(TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(10));
        stopwatch.Stop();

        // Assert
        Report($"exit after the client went away with {Pending} questions pending under {protocolVersion}: {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(exited, "the server is still running after its input ended; stderr:\n" + server.StandardErrorTail);
        Assert.All(victims, victim => Assert.True(Directory.Exists(victim), victim + " was removed"));
        var answers = File.ReadLines(agentexec.AuditLog).Select(line => JsonNode.Parse(line)!).Where(line => line["event"]!.GetValue<string>() == "answer").ToList();
        Assert.Equal(Pending, answers.Count);
        Assert.All(answers, answer => Assert.Equal("disconnected", answer["reason"]!.GetValue<string>()));
        Assert.DoesNotContain("execution_started", AuditEvents(agentexec));
        await abandon.CancelAsync();
        await client.DisposeAsync();
        await SettleAsync(calls);
    }

    [Fact]
    public async Task A_client_flooding_malformed_json_rpc_gets_errors_where_a_request_can_be_answered_and_the_server_stays_correct()
    {
        // Arrange
        using var agentexec = new AgentExecProcess();
        await using var server = ServeProcess.Start(agentexec);
        using var client = server.ConnectRaw();
        await client.InitializeAsync(ElicitingClient.ProtocolVersion);
        var stopwatch = Stopwatch.StartNew();

        // Act and assert, line by line. A request whose id can be read gets an error response carrying that id, so the
        // caller's wait ends.
        foreach (var (line, id, codes) in RequestsAnsweredWithAnError())
        {
            await client.SendAsync(line);
            var response = await client.ReadResponseToAsync(id);
            Assert.True(response["error"] is JsonObject, $"{Shorten(line)} was answered with {Shorten(response.ToJsonString())}");
            Assert.Contains(response["error"]!["code"]!.GetValue<int>(), codes);
        }

        // A line no id can be read from (not JSON, not an object, an id of a type JSON-RPC does not allow) cannot be
        // answered by id: JSON-RPC asks for an error with id null, MCP's schema allows no null id (2025-11-25 lets such
        // an error leave the id out), and the server, through the SDK, sends nothing. Either is accepted here; what
        // matters is that it never answers with an id (checked at the end) and keeps reading: each line is followed by
        // a ping that must be answered.
        var checkpoint = 0;
        foreach (var line in LinesWithoutAnAnswerableId)
        {
            await client.SendAsync(line);
            await PingAsync(client, $"after-{checkpoint++}");
        }

        await client.SendBytesAsync([0xC3, 0x28, 0xFF, 0xFE, 0x80, (byte)'{', 0xED, 0xA0, 0x80]);
        await PingAsync(client, "after-invalid-utf-8");

        // A flood: thousands of bad lines in one burst, then a line the server must still read.
        await client.SendAsync(string.Join('\n', Enumerable.Range(0, 2_000).Select(n => LinesWithoutAnAnswerableId[n % LinesWithoutAnAnswerableId.Length])));
        await PingAsync(client, "after-the-flood");

        // Huge lines of a few MiB: a valid request, a truncated one, garbage.
        var padding = new string('a', 4 * 1024 * 1024);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"huge-ping","method":"ping","params":{"_meta":{"padding":""" + "\"" + padding + "\"}}}");
        Assert.NotNull((await client.ReadResponseAsync("huge-ping"))["result"]);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"huge-truncated","method":"ping","params":{"padding":""" + "\"" + padding);
        Assert.Contains((await client.ReadResponseAsync("huge-truncated"))["error"]!["code"]!.GetValue<int>(), InvalidRequestCodes);
        await client.SendAsync(padding);
        await client.SendAsync("{" + padding);
        await PingAsync(client, "after-huge-garbage");

        // Arguments of the wrong type are the shell tool's invalid input: a result naming the field, nothing run.
        await client.CallShellAsync("wrong-type", new JsonObject { ["command"] = 42 });
        var wrongType = (await client.ReadResponseAsync("wrong-type"))["result"]!;

        // And the server still works: a real call runs and returns its own output.
        await client.CallShellAsync("real-call", new JsonObject { ["command"] = "echo still here" });
        var real = (await client.ReadResponseAsync("real-call"))["result"]!;
        Report($"malformed flood: {stopwatch.ElapsedMilliseconds} ms, {server.Memory}");

        Assert.True(wrongType["isError"]!.GetValue<bool>());
        Assert.Equal("failed_to_start", wrongType["structuredContent"]!["status"]!.GetValue<string>());
        Assert.Contains("command", wrongType["structuredContent"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("completed", real["structuredContent"]!["status"]!.GetValue<string>());
        Assert.Equal("still here\n", real["structuredContent"]!["stdout"]!.GetValue<string>());
        Assert.False(client.HasSeen(message => message["id"] is not null && message["id"]!.GetValueKind() != JsonValueKind.Null), "a response to no request of ours arrived");
        Assert.False(server.HasExited);
    }

    [Fact]
    public async Task Commands_printing_hundreds_of_megabytes_keep_the_servers_memory_bounded()
    {
        // Arrange: two commands at once, each printing 300 MB on stdout and 200 MB on stderr, all of it read and counted.
        const long StdoutBytes = 300_000_000;
        const long StderrBytes = 200_000_000;
        using var agentexec = new AgentExecProcess();
        await using var server = ServeProcess.Start(agentexec);
        await using var client = await server.ConnectAsync(new McpClientOptions { ProtocolVersion = ElicitingClient.ProtocolVersion });
        await client.CallToolAsync("shell", Command("echo warm"));
        var before = server.Memory;
        var command = $"head -c {StdoutBytes} /dev/zero | tr '\\0' a; head -c {StderrBytes} /dev/zero | tr '\\0' b >&2";
        var stopwatch = Stopwatch.StartNew();

        // Act
        var results = await Task.WhenAll(client.CallToolAsync("shell", Command(command)).AsTask(), client.CallToolAsync("shell", Command(command)).AsTask()).WaitAsync(Bounded);

        // Assert
        var after = server.Memory;
        Report($"2 concurrent calls printing {StdoutBytes + StderrBytes:N0} bytes each: {stopwatch.ElapsedMilliseconds} ms; before {before}; after {after}");
        foreach (var result in results)
        {
            var structured = result.StructuredContent;
            Assert.Equal("completed", ShellScenario.Field(structured, "status"));
            Assert.Equal(StdoutBytes.ToString(CultureInfo.InvariantCulture), ShellScenario.Field(structured, "stdout_bytes"));
            Assert.Equal(StderrBytes.ToString(CultureInfo.InvariantCulture), ShellScenario.Field(structured, "stderr_bytes"));
            Assert.Equal("true", ShellScenario.Field(structured, "truncated"));

            // SPEC.md "Sandbox": 1 MiB of each stream kept, its first and last halves around a marker line.
            var stdout = ShellScenario.Field(structured, "stdout")!;
            Assert.InRange(stdout.Length, 1024 * 1024, (1024 * 1024) + 100);
            Assert.StartsWith(new string('a', 512 * 1024), stdout, StringComparison.Ordinal);
            Assert.EndsWith(new string('a', 512 * 1024), stdout, StringComparison.Ordinal);
            Assert.InRange(ShellScenario.Field(structured, "stderr")!.Length, 1024 * 1024, (1024 * 1024) + 100);
        }

        Assert.True(after.PeakResidentMiB < PeakBoundForHugeOutputMiB, $"the server's peak resident memory reached {after}; the bound is {PeakBoundForHugeOutputMiB} MiB");
    }

    [Fact]
    public async Task Thousands_of_sequential_calls_leave_resident_memory_flat()
    {
        // Arrange
        var measured = Count(SequentialCallsVariable, DefaultSequentialCalls);
        using var agentexec = new AgentExecProcess();
        await using var server = ServeProcess.StartCompiledOnce(agentexec);
        await using var client = await server.ConnectAsync(new McpClientOptions { ProtocolVersion = ElicitingClient.ProtocolVersion });
        var stopwatch = Stopwatch.StartNew();

        // The warm-up runs until the resident set has settled (moved less than 1 MiB over the last 250 calls), and at
        // least 1,500 calls (see SequentialMinWarmUpCalls); a server that never settles is measured after 3,000.
        var warmUp = 0;
        var previous = server.Memory;
        while (true)
        {
            await CallEchoAsync(client, warmUp, SequentialSettleCalls, server);
            warmUp += SequentialSettleCalls;
            var now = server.Memory;
            if ((warmUp >= SequentialMinWarmUpCalls && Math.Abs(now.ResidentMiB - previous.ResidentMiB) < SequentialSettledMiB) || warmUp >= SequentialMaxWarmUpCalls)
            {
                break;
            }

            previous = now;
        }

        var afterWarmUp = server.Memory;
        var warmUpTime = stopwatch.Elapsed;

        // Act
        await CallEchoAsync(client, warmUp, measured, server);

        // Assert
        var after = server.Memory;
        var growthMiB = after.ResidentMiB - afterWarmUp.ResidentMiB;
        Report($"{warmUp} warm-up calls in {warmUpTime.TotalMilliseconds:F0} ms, then {measured} sequential calls: {stopwatch.ElapsedMilliseconds} ms in all; after warm-up {afterWarmUp}; after all {after}; growth {growthMiB:F1} MiB");
        Assert.True(growthMiB < SequentialGrowthBoundMiB, $"resident memory grew by {growthMiB:F1} MiB over {measured} calls after {warmUp} warm-up calls: {afterWarmUp} -> {after}; the bound is {SequentialGrowthBoundMiB} MiB");
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task Thousands_of_unanswered_questions_leave_resident_memory_flat(string protocolVersion)
    {
        // Arrange: a server that gives a human 100 ms, and a client whose human never answers, with at most 32 questions
        // open at a time, each with a long justification; the server's own audit log says when one has timed out. SPEC.md "Elicitation": under
        // 2026-07-28 a suspended approval is released as soon as its question ends, so memory stays flat however many
        // questions go unanswered.
        var measured = Count(UnansweredQuestionsVariable, DefaultUnansweredQuestions);
        var questions = UnansweredWarmUpQuestions + measured;
        using var agentexec = new AgentExecProcess();
        await using var server = ServeProcess.Start(agentexec, "--approval-timeout-ms", "100");
        await using var client = await server.ConnectAsync(ElicitingClient.Holding(_ => { }, protocolVersion));
        using var abandon = new CancellationTokenSource();
        using var log = new AuditLogTail(agentexec.AuditLog);
        var calls = new List<Task>();
        var otherDenials = new List<string>();
        var timedOut = 0;
        var nextSample = 0;
        ProcessMemory? afterWarmUp = null;
        var stopwatch = Stopwatch.StartNew();

        // Act
        while (timedOut < questions)
        {
            foreach (var denial in log.ReadNewEvents("denial"))
            {
                if (denial.GetProperty("reason").GetString() == "no_response")
                {
                    timedOut++;
                }
                else
                {
                    otherDenials.Add(denial.GetRawText());
                }
            }

            Assert.Empty(otherDenials);
            if (afterWarmUp is null && timedOut >= UnansweredWarmUpQuestions)
            {
                afterWarmUp = server.Memory;
            }

            if (timedOut >= nextSample)
            {
                Report($"  {timedOut} timed out: {server.Memory.ResidentMiB:F1} MiB");
                nextSample += MemorySampleInterval;
            }

            // The denial is written after the question has given its place back, so counting denials never overshoots.
            while (calls.Count < questions && calls.Count - timedOut < UnansweredAtOnce)
            {
                var arguments = Command($"rm -rf question{calls.Count}");
                arguments["justification"] = LongJustification;
                calls.Add(client.CallToolAsync("shell", arguments, cancellationToken: abandon.Token).AsTask());
            }

            Assert.True(stopwatch.Elapsed < UnansweredBound, $"{timedOut} of {questions} questions timed out in {UnansweredBound}; stderr:\n{server.StandardErrorTail}");

            // Polling the log rather than waiting on the client: under 2026-07-28 the client never hears that a question expired.
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }

        // Assert
        var after = server.Memory;
        var growthMiB = after.ResidentMiB - afterWarmUp!.Value.ResidentMiB;
        Report($"{UnansweredWarmUpQuestions} warm-up then {measured} unanswered questions under {protocolVersion}, {UnansweredAtOnce} at once: {stopwatch.ElapsedMilliseconds} ms in all; after warm-up {afterWarmUp}; after all {after}; growth {growthMiB:F1} MiB");
        await abandon.CancelAsync();
        await SettleAsync(calls);
        Assert.True(growthMiB < UnansweredGrowthBoundMiB, $"resident memory grew by {growthMiB:F1} MiB over {measured} unanswered questions after the warm-up under {protocolVersion}: {afterWarmUp} -> {after}; the bound is {UnansweredGrowthBoundMiB} MiB");
    }

    /// <summary>Requests whose id can be read but that are not valid requests or name no method, with the error codes JSON-RPC gives them.</summary>
    private static IEnumerable<(string Line, JsonNode Id, int[] Codes)> RequestsAnsweredWithAnError()
    {
        // Not a valid request: parse error or invalid request (the SDK answers -32700 for both once it has found the id).
        yield return ("""{"jsonrpc":"2.0","id":"truncated","method":"tools/li""", "truncated", InvalidRequestCodes);
        yield return ("""{"jsonrpc":"2.0","id":7,"method":"tools/li""", 7, InvalidRequestCodes);
        yield return ("""{"jsonrpc":"2.0","id":"method-is-a-number","method":5}""", "method-is-a-number", InvalidRequestCodes);
        yield return ("""{"id":"no-method","foo":1}""", "no-method", InvalidRequestCodes);
        yield return ("""{"jsonrpc":"1.0","id":"wrong-version","method":"ping"}""", "wrong-version", InvalidRequestCodes);
        yield return ("""{"id":"no-jsonrpc-member","method":"ping"}""", "no-jsonrpc-member", InvalidRequestCodes);

        // Method not found, under ids of every shape JSON-RPC allows.
        yield return ("""{"jsonrpc":"2.0","id":"unknown-method","method":"no/such/method"}""", "unknown-method", [-32601]);
        yield return ("""{"jsonrpc":"2.0","id":-1,"method":"no/such/method"}""", -1, [-32601]);
        yield return ("""{"jsonrpc":"2.0","id":"","method":"no/such/method"}""", "", [-32601]);

        // Params of the wrong shape: invalid params by JSON-RPC; the SDK reports its failure to read them as an
        // internal error (-32603).
        yield return ("""{"jsonrpc":"2.0","id":"params-a-string","method":"tools/call","params":"x"}""", "params-a-string", [-32602, -32603]);
        yield return ("""{"jsonrpc":"2.0","id":"name-a-number","method":"tools/call","params":{"name":5}}""", "name-a-number", [-32602, -32603]);
        // (A shell call whose arguments are not an object is the tool's invalid input, answered with a failed_to_start
        // result and audited: ShellToolInvalidInputTests.)
        yield return ("""{"jsonrpc":"2.0","id":"unknown-tool","method":"tools/call","params":{"name":"nope","arguments":{}}}""", "unknown-tool", [-32602]);
    }

    private static async Task PingAsync(RawMcpClient client, string id)
    {
        await client.SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "ping" });
        Assert.NotNull((await client.ReadResponseAsync(id))["result"]);
    }

    private async Task CallEchoAsync(McpClient client, int first, int count, ServeProcess server)
    {
        for (var n = first; n < first + count; n++)
        {
            var result = await client.CallToolAsync("shell", Command($"echo {n}")).AsTask().WaitAsync(Bounded);
            Assert.Equal($"{n}\n", ShellScenario.Field(result.StructuredContent, "stdout"));
            if (n % MemorySampleInterval == 0)
            {
                Report($"  {n} calls: {server.Memory.ResidentMiB:F1} MiB");
            }
        }
    }

    // Calls a test has abandoned end in cancellation or a broken connection; either is their expected end.
    private static async Task SettleAsync(IEnumerable<Task> calls) =>
        await Task.WhenAll(calls).WaitAsync(Bounded).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    private static List<string> AuditEvents(AgentExecProcess agentexec) =>
        File.ReadLines(agentexec.AuditLog).Select(line => JsonNode.Parse(line)!["event"]!.GetValue<string>()).ToList();

    private static int VictimNumber(ElicitRequestParams question)
    {
        // SPEC.md "Elicitation": the raw command travels in _meta, for clients whose SDK drops unknown params.
        var command = question.Meta?["agentexec/approval"]?["command"]?.GetValue<string>()
            ?? throw new InvalidOperationException("the question carries no _meta command");
        return int.Parse(command["rm -rf victim".Length..], NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static int Count(string variable, int defaultCount) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : defaultCount;

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static Dictionary<string, object?> Command(string command) => new() { ["command"] = command };

    private void Report(string figures) => output.WriteLine(figures);
}
