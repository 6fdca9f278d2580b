using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Execution;
using AgentExec.Mcp;
using AgentExec.Mcp.Mrtr;
using AgentExec.Tests.Mcp.Support;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Moq;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// <see cref="SuspendedCalls"/> driven directly, where the order of a retry's cancellation and its answer can be fixed
/// exactly rather than left to the SDK's message loop.
/// </summary>
public sealed class SuspendedCallsTests
{
    [Fact]
    public async Task A_retry_whose_request_is_already_cancelled_cancels_its_call_before_the_answer_arrives()
    {
        // Repeated: the cancellation and the answer meet on different threads.
        for (var round = 0; round < 5; round++)
        {
            using var scenario = new ShellScenario();
            using var connection = new ClientConnection();
            var calls = new SuspendedCalls(scenario.Pipeline(approvalTimeout: TimeSpan.FromMinutes(5)), connection, TimeProvider.System);
            var request = Request(scenario, "call");
            var asked = await Assert.ThrowsAsync<InputRequiredException>(() => calls.StartAsync(request, ElicitingServer(), CancellationToken.None));
            var state = asked.Result.RequestState!;
            var key = Assert.Single(asked.Result.InputRequests!).Key;

            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calls.ResumeAsync(
                new RetryFields(JsonValue.Create(state), new JsonObject { [key] = new JsonObject { ["action"] = "accept" } }),
                Request(scenario, "retry"),
                cancelled.Token));
            await connection.WhenTrackedWorkEndsAsync().WaitAsync(TimeSpan.FromSeconds(15));

            var answer = scenario.Audit.Events.Single(e => e.Name == AuditEventNames.Answer);
            Assert.True("call_cancelled" == answer.Fields["reason"]!.GetValue<string>(), $"round {round}: {answer.Fields.ToJsonString()}");
            Assert.False(scenario.CommandRan);
        }
    }

    private static ExecRequest Request(ShellScenario scenario, string callId)
    {
        Assert.True(ExecRequestValidation.TryCreate(ShellScenario.DangerousCommand, null, null, null, EscalationKind.None, scenario.Workspace, callId, out var request, out _));
        return request!;
    }

    // A request's server whose client declared form elicitation, so the channel can ask.
    private static McpServer ElicitingServer()
    {
        var server = new Mock<McpServer>();
        server.Setup(s => s.ClientCapabilities).Returns(new ClientCapabilities { Elicitation = new ElicitationCapability { Form = new FormElicitationCapability() } });
        return server.Object;
    }
}
