using System.Text.Json;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// A network question raised while the command runs (SPEC.md "Network allow-list"), through the real server and the
/// real SDK client, in both protocol generations: under 2025-11-25 an <c>elicitation/create</c> while the call is open,
/// under 2026-07-28 an <c>input_required</c> result in the middle of the run and a retry that carries the answer.
/// </summary>
public sealed class NetworkQuestionTests : IDisposable
{
    /// <summary>The pinned older generation, and null: the SDK client then negotiates 2026-07-28.</summary>
    public static TheoryData<string?> Generations() => new() { ElicitingClient.ProtocolVersion, null };

    private readonly TemporaryDirectory _root = new();
    private readonly RecordingAuditLog _audit = new();
    private readonly FakeNetworkRuleCheck _rules = new();
    private readonly HttpEgressProxyHost _proxy = new();

    public NetworkQuestionTests()
    {
        Workspace = Directory.CreateDirectory(Path.Combine(_root.Path, "workspace")).FullName;
    }

    private string Workspace { get; }

    public void Dispose() => _root.Dispose();

    [Theory]
    [MemberData(nameof(Generations))]
    public async Task An_accepted_network_question_lets_the_running_command_through_and_the_result_lists_it(string? protocolVersion)
    {
        await using var server = InMemoryMcpServer.Start(EgressPipelines.Create(Workspace, _audit, _rules, _proxy));
        var questions = new List<ElicitRequestParams>();
        await using var client = await server.ConnectAsync(ElicitingClient.Answering("accept", protocolVersion: protocolVersion, onAsked: questions.Add));

        var result = await client.CallToolAsync("shell", Command(EgressPipelines.Fetch("example.com")));

        Assert.Equal("completed", ShellScenario.Field(result.StructuredContent, "status"));
        Assert.Equal("allowed example.com:80\n", ShellScenario.Field(result.StructuredContent, "stdout"));
        Assert.Equal("""[{"host":"example.com","port":80,"decision":"allowed"}]""", ShellScenario.Field(result.StructuredContent, "network"));
        Assert.Contains("\"network\"", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);

        var question = Assert.Single(questions);
        Assert.StartsWith(
            "Allow `curl -sS --fail-with-body --unix-socket \"$EGRESS_SOCKET\" http://example.com/` to connect to example.com:80?\n",
            question.Message,
            StringComparison.Ordinal);
        var meta = question.Meta!["agentexec/approval"]!["network"]!;
        Assert.Equal(("example.com", 80), (meta["host"]!.GetValue<string>(), meta["port"]!.GetValue<int>()));
        Assert.Single(_audit.Events, e => e.Name == AuditEventNames.ExecutionStarted);
        Assert.Single(_audit.Events, e => e.Name == AuditEventNames.NetworkDecision);
    }

    [Theory]
    [MemberData(nameof(Generations))]
    public async Task A_declined_network_question_refuses_the_connection_and_the_command_sees_why(string? protocolVersion)
    {
        await using var server = InMemoryMcpServer.Start(EgressPipelines.Create(Workspace, _audit, _rules, _proxy));
        await using var client = await server.ConnectAsync(ElicitingClient.Answering("decline", protocolVersion: protocolVersion));

        var result = await client.CallToolAsync("shell", Command(EgressPipelines.Fetch("example.com")));

        Assert.Equal("completed", ShellScenario.Field(result.StructuredContent, "status"));
        Assert.NotEqual("0", ShellScenario.Field(result.StructuredContent, "exit_code"));
        Assert.Contains("--allow-domain example.com:80", ShellScenario.Field(result.StructuredContent, "stdout"), StringComparison.Ordinal);
        Assert.Equal("""[{"host":"example.com","port":80,"decision":"denied"}]""", ShellScenario.Field(result.StructuredContent, "network"));
    }

    [Fact]
    public async Task Under_2026_07_28_a_command_question_and_then_a_network_question_of_the_same_call_each_take_a_round()
    {
        // Untrusted asks before the command runs; the command then asks the proxy, which asks again mid-run.
        await using var server = InMemoryMcpServer.Start(EgressPipelines.Create(Workspace, _audit, _rules, _proxy, ApprovalPolicy.Untrusted));
        var questions = new List<ElicitRequestParams>();
        await using var client = await server.ConnectAsync(ElicitingClient.Answering("accept", protocolVersion: null, onAsked: questions.Add));

        var result = await client.CallToolAsync("shell", Command(EgressPipelines.Fetch("example.com")));

        Assert.Equal("completed", ShellScenario.Field(result.StructuredContent, "status"));
        Assert.Equal("0", ShellScenario.Field(result.StructuredContent, "exit_code"));
        Assert.Equal(2, questions.Count);
        Assert.StartsWith("Allow the agent to run ", questions[0].Message, StringComparison.Ordinal);
        Assert.Contains("to connect to example.com:80?", questions[1].Message, StringComparison.Ordinal);
        Assert.Single(_audit.Events, e => e.Name == AuditEventNames.ExecutionStarted);
    }

    [Fact]
    public async Task A_session_answer_covers_the_next_connection_to_the_same_destination_under_2026_07_28()
    {
        await using var server = InMemoryMcpServer.Start(EgressPipelines.Create(Workspace, _audit, _rules, _proxy));
        var asked = 0;
        await using var client = await server.ConnectAsync(ElicitingClient.Accepting(() => Interlocked.Increment(ref asked), """{"scope":"session"}""", protocolVersion: null));

        var fetchTwice = EgressPipelines.Fetch("example.com") + " && " + EgressPipelines.Fetch("example.com");
        var result = await client.CallToolAsync("shell", Command(fetchTwice));
        var nextCall = await client.CallToolAsync("shell", Command(EgressPipelines.Fetch("example.com")));

        Assert.Equal(("0", "0"), (ShellScenario.Field(result.StructuredContent, "exit_code"), ShellScenario.Field(nextCall.StructuredContent, "exit_code")));
        Assert.Equal(1, asked);
    }

    private static Dictionary<string, object?> Command(string command) => new() { ["command"] = command };
}
