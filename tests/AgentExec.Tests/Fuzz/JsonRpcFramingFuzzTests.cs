using AgentExec.Core.Configuration;
using AgentExec.Tests.Mcp.Support;
using CsCheck;
using Xunit.Abstractions;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// Issue 13, deliverable 4: the MCP SDK's stdio framing in front of our server, fed garbage (<see cref="FramingCheck"/>),
/// in-process over pipes. The server runs under <c>untrusted</c> with a client that cannot be asked, so a command
/// that needs a human can never run, whatever the garbage says. Longer with <c>AGENTEXEC_FUZZ_SECONDS</c>; a failure
/// replays with the <c>CsCheck_Seed</c> it prints (docs/fuzzing.md).
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class JsonRpcFramingFuzzTests(ITestOutputHelper output)
{
    // A session (a server, up to three batches, an echo after each) takes 0.1-0.3 s.
    private const long BoundedSessions = 12;

    public static TheoryData<string> CorpusBatches() => [.. FuzzCorpus.JsonRpcBatches().Select(batch => batch.Name)];

    [Theory]
    [MemberData(nameof(CorpusBatches))]
    public async Task A_corpus_batch_leaves_the_server_answering_every_request_once(string name)
    {
        var bytes = FuzzCorpus.JsonRpcBatches().Single(batch => batch.Name == name).Bytes;

        await RunAsync([[FramingLine.Judge(bytes)]]);
    }

    [Fact]
    public async Task Generated_garbage_leaves_the_server_answering_every_request_once()
    {
        var sessions = 0L;
        var lines = 0L;
        var owed = 0L;
        var bytes = 0L;
        async Task Check(FramingLine[][] batches)
        {
            await RunAsync(batches);
            Interlocked.Increment(ref sessions);
            Interlocked.Add(ref lines, batches.Sum(batch => batch.Length));
            Interlocked.Add(ref owed, batches.Sum(batch => batch.Sum(line => line.MustAnswer.Count)));
            Interlocked.Add(ref bytes, batches.Sum(batch => batch.Sum(line => (long)line.Bytes.Length)));
        }

        await FramingGenerators.Batches.SampleAsync(
            Check,
            writeLine: output.WriteLine,
            iter: BoundedSessions,
            time: FuzzBudget.Time,
            threads: 1,
            print: FramingGenerators.Print);

        output.WriteLine($"fuzz: JSON-RPC framing: {sessions} sessions, {lines} lines ({owed} requests owed a response, {bytes} bytes); {FuzzBudget.Describe(BoundedSessions, "sessions")}");
    }

    private static async Task RunAsync(IReadOnlyList<IReadOnlyList<FramingLine>> batches)
    {
        using var scenario = new ShellScenario();
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(ApprovalPolicy.Untrusted, approvalTimeout: TimeSpan.FromSeconds(1)));
        await using var session = new FramingSession(server.ClientOutput, server.ClientInput);

        await FramingCheck.RunAsync(session, batches, () => server.Running.IsCompleted);

        Assert.True(Directory.Exists(scenario.Victim), "a command that needed a human ran");
    }
}
