using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Execution;
using AgentExec.Core.Network.Proxy;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Sandbox;
using AgentExec.Tests.Core.Sandbox;
using AgentExec.Tests.Mcp.Support;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// An accepted network question, once and for the session, through the real server, the real SDK client, the real
/// bubblewrap sandbox with its egress bridge, the real <see cref="EgressProxyHost"/> and curl inside; only the rule
/// check is a test's (<see cref="LoopbackAnsweringRuleCheck"/>), so that an accepted destination is a local upstream
/// and nothing leaves the machine.
/// </summary>
public sealed class EgressQuestionSandboxTests : IDisposable
{
    /// <summary>The pinned older generation, and null: the SDK client then negotiates 2026-07-28.</summary>
    public static TheoryData<string?> Generations() => new() { ElicitingClient.ProtocolVersion, null };

    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(20);

    private readonly SandboxScenario _scenario = new();
    private readonly LoopbackAnsweringRuleCheck _rules = new();

    public void Dispose() => _scenario.Dispose();

    [BubblewrapTheory]
    [MemberData(nameof(Generations))]
    public async Task An_accepted_question_for_an_unlisted_name_lets_curl_in_the_sandbox_reach_the_address_that_was_checked(string? protocolVersion)
    {
        // Arrange
        await using var origin = new LocalHttpOrigin();
        await using var server = InMemoryMcpServer.Start(Pipeline());
        var questions = new List<string>();
        await using var client = await server.ConnectAsync(ElicitingClient.Answering("accept", protocolVersion: protocolVersion, onAsked: q => questions.Add(q.Message)));

        // Act
        var result = await client.CallToolAsync("shell", Command($"curl -sS http://upstream.test:{origin.Port}/")).AsTask().WaitAsync(Bounded);

        // Assert
        Assert.Equal(("0", LocalHttpOrigin.Body), (ShellScenario.Field(result.StructuredContent, "exit_code"), ShellScenario.Field(result.StructuredContent, "stdout")));
        Assert.Contains($"to connect to upstream.test:{origin.Port}?", Assert.Single(questions), StringComparison.Ordinal);
        Assert.Equal($$"""[{"host":"upstream.test","port":{{origin.Port}},"decision":"allowed"}]""", ShellScenario.Field(result.StructuredContent, "network"));
        Assert.Equal(1, origin.Accepted);
        Assert.Single(_scenario.Audit.Events, e => e.Name == AuditEventNames.NetworkDecision);
    }

    [BubblewrapTheory]
    [MemberData(nameof(Generations))]
    public async Task A_session_answer_covers_the_same_host_and_port_in_the_next_call_but_another_port_is_asked(string? protocolVersion)
    {
        // Arrange
        await using var origin = new LocalHttpOrigin();
        await using var other = new LocalHttpOrigin();
        await using var server = InMemoryMcpServer.Start(Pipeline());
        var questions = new List<string>();
        await using var client = await server.ConnectAsync(ElicitingClient.Answering("accept", """{"scope":"session"}""", protocolVersion, q => questions.Add(q.Message)));
        var fetch = $"curl -sS http://upstream.test:{origin.Port}/";

        // Act
        var first = await client.CallToolAsync("shell", Command($"{fetch}; echo; {fetch}")).AsTask().WaitAsync(Bounded);
        var second = await client.CallToolAsync("shell", Command(fetch)).AsTask().WaitAsync(Bounded);
        var otherPort = await client.CallToolAsync("shell", Command($"curl -sS http://upstream.test:{other.Port}/")).AsTask().WaitAsync(Bounded);

        // Assert
        Assert.Equal($"{LocalHttpOrigin.Body}\n{LocalHttpOrigin.Body}", ShellScenario.Field(first.StructuredContent, "stdout"));
        Assert.Equal(LocalHttpOrigin.Body, ShellScenario.Field(second.StructuredContent, "stdout"));
        Assert.Equal(LocalHttpOrigin.Body, ShellScenario.Field(otherPort.StructuredContent, "stdout"));
        Assert.Equal(2, questions.Count);
        Assert.Contains($"upstream.test:{origin.Port}?", questions[0], StringComparison.Ordinal);
        Assert.Contains($"upstream.test:{other.Port}?", questions[1], StringComparison.Ordinal);
        Assert.Equal((3, 1), (origin.Accepted, other.Accepted));
    }

    // The production pipeline's parts, bar the rule check: the real bubblewrap backend, its bridge started from the
    // agentexec binary beside the tests, and the real proxy host.
    private ExecPipeline Pipeline()
    {
        var settings = _scenario.Settings();
        var sandbox = new BubblewrapSandbox(BubblewrapAvailability.Executable, SandboxHostPaths.From(settings, _scenario.HostEnvironment))
        {
            BridgeCommand = [LandlockTestLauncher.Path],
        };
        return new ExecPipeline(new PipelineDependencies(
            settings,
            FixedRuleSource.Empty,
            new SandboxSelection(settings.Sandbox, sandbox, null, []),
            DisabledRiskAssessor.Instance,
            _scenario.Audit,
            _scenario.HostEnvironment)
        {
            Egress = new PipelineEgress(_rules, new EgressProxyHost(EgressProxyOptions.Default, NullLogger.Instance)),
        });
    }

    private static Dictionary<string, object?> Command(string command) => new() { ["command"] = command };
}
