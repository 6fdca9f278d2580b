using System.Text.Json.Nodes;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Policy;
using AgentExec.Tests.Mcp.Support;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// What happens after the real sandbox denies a command (SPEC.md "Policy" step 5), for each approval policy, through
/// the real server and a raw client that answers exactly what each test needs.
/// </summary>
/// <remarks>
/// The command is a script that prints a hostile failure (an ANSI colour and a bidi override) and then writes to the
/// workspace's sibling folder: read-only in the sandbox, writable without it. The file on the host is the witness of
/// an unsandboxed retry.
/// </remarks>
public sealed class SandboxRetryFlowTests
{
    private const string Accept = """{"action":"accept"}""";
    private const string Decline = """{"action":"decline"}""";
    private const string Malformed = """{"action":"Accept"}""";

    [BubblewrapTheory]
    [InlineData(ApprovalPolicy.OnFailure, Accept, "completed", null)]
    [InlineData(ApprovalPolicy.OnFailure, Decline, "denied", "user_declined")]
    [InlineData(ApprovalPolicy.OnFailure, Malformed, "denied", "malformed_response")]
    [InlineData(ApprovalPolicy.Untrusted, Accept, "completed", null)]
    [InlineData(ApprovalPolicy.Untrusted, Decline, "denied", "user_declined")]
    [InlineData(ApprovalPolicy.Untrusted, Malformed, "denied", "malformed_response")]
    public async Task A_sandbox_denial_asks_a_separate_once_only_question_before_retrying_unsandboxed(
        ApprovalPolicy policy, string retryAnswer, string expectedStatus, string? expectedReason)
    {
        // Arrange: under untrusted the first question (run it in the sandbox?) is approved; the retry is what is tested.
        using var scenario = new SandboxScenario();
        var (command, witness) = DeniedCommand(scenario);
        var firstQuestions = policy == ApprovalPolicy.Untrusted ? 1 : 0;

        // Act
        var (response, questions) = await CallAsync(scenario, policy, command, asked => asked <= firstQuestions ? Accept : retryAnswer);

        // Assert: exactly one retry question, after the first, separate from it.
        Assert.Equal(firstQuestions + 1, questions.Count);
        var retry = questions[^1];
        Assert.Equal(("retry_without_sandbox", true), (Text(Approval(retry), "escalation"), Approval(retry)["retry_without_sandbox"]!.GetValue<bool>()));
        Assert.Equal("""["once"]""", retry["params"]!["requestedSchema"]!["properties"]!["scope"]!["enum"]!.ToJsonString());
        if (firstQuestions == 1)
        {
            Assert.Equal("none", Text(Approval(questions[0]), "escalation"));
            Assert.NotEqual(Approval(questions[0])["approval_id"]!.ToJsonString(), Approval(retry)["approval_id"]!.ToJsonString());
        }

        // The retry is a second evaluation, recorded before its question, with its own reasons: the audit says why the
        // command may run unsandboxed, and the question shows the same reasons.
        var decisions = scenario.Audit.Events.Where(e => e.Name == AuditEventNames.PolicyDecision).ToArray();
        Assert.Equal(2, decisions.Length);
        Assert.Equal("ask", decisions[1].Fields["verdict"]!.GetValue<string>());
        Assert.Equal([PolicyEvaluator.RetryExplanation], decisions[1].Fields["explanation"]!.AsArray().Select(line => line!.GetValue<string>()));
        var names = scenario.Audit.Names.ToList();
        Assert.True(names.LastIndexOf(AuditEventNames.PolicyDecision) < names.LastIndexOf(AuditEventNames.ElicitationSent), string.Join(",", names));

        // The failure is in the message, labelled as command output, with its control characters escaped.
        var message = retry["params"]!["message"]!.GetValue<string>();
        Assert.Contains("\nWhy this asks: " + PolicyEvaluator.RetryExplanation + "\n", message, StringComparison.Ordinal);
        Assert.StartsWith("This command failed inside the sandbox, and its output looks like the sandbox blocked it. Retry it WITHOUT the sandbox?\n", message, StringComparison.Ordinal);
        Assert.Contains("\nSandbox failure (the command's own output): ", message, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", message, StringComparison.Ordinal);
        Assert.Contains("\\x1B[31m", message, StringComparison.Ordinal);
        Assert.Contains("\\u202E", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', message);
        Assert.DoesNotContain('\u202e', message);

        var result = response["result"]!["structuredContent"]!;
        Assert.Equal(expectedStatus, result["status"]!.GetValue<string>());
        if (expectedReason is null)
        {
            Assert.Equal(("none", "none", "approved", "user_approved"), (Text(result, "sandbox"), Text(result, "sandbox_backend"), Text(result["approval"]!, "decision"), Text(result["approval"]!, "reason")));
            Assert.True(File.Exists(witness), "The approved retry did not run without the sandbox.");
        }
        else
        {
            Assert.Equal(expectedReason, Text(result["approval"]!, "reason"));
            Assert.False(File.Exists(witness), "The command ran unsandboxed without approval.");
        }
    }

    [BubblewrapFact]
    public async Task Under_2026_07_28_the_retry_question_is_a_second_round_of_the_same_call()
    {
        // Arrange: untrusted asks before the sandboxed run, then again before the retry without the sandbox.
        using var scenario = new SandboxScenario();
        var (command, witness) = DeniedCommand(scenario);
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(scenario.Settings(policy: ApprovalPolicy.Untrusted)));
        using var client = server.ConnectRaw();
        var arguments = new JsonObject { ["command"] = command };

        // Act: each input_required round is answered by a retry carrying the round's state.
        await client.CallShellUnderInputRequiredAsync("round-0", (JsonObject)arguments.DeepClone());
        var response = (await client.ReadResponseAsync("round-0"))["result"]!;
        var states = new List<string>();
        while (response["resultType"]?.GetValue<string>() == "input_required")
        {
            var key = Assert.Single(response["inputRequests"]!.AsObject()).Key;
            states.Add(response["requestState"]!.GetValue<string>());
            var id = $"round-{states.Count}";
            await client.CallShellUnderInputRequiredAsync(id, (JsonObject)arguments.DeepClone(), states[^1], new JsonObject { [key] = JsonNode.Parse(Accept) });
            response = (await client.ReadResponseAsync(id))["result"]!;
        }

        // Assert: two rounds with two states, one call, two runs (sandboxed, then without the sandbox).
        Assert.Equal(2, states.Distinct().Count());
        Assert.Equal("completed", response["structuredContent"]!["status"]!.GetValue<string>());
        Assert.True(File.Exists(witness), "The approved retry did not run without the sandbox.");
        Assert.Single(scenario.Audit.Events, e => e.Name == AuditEventNames.CallReceived);
        Assert.Equal(2, scenario.Audit.Events.Count(e => e.Name == AuditEventNames.ElicitationSent));
        Assert.Equal(2, scenario.Audit.Events.Count(e => e.Name == AuditEventNames.ExecutionStarted));
    }

    [BubblewrapTheory]
    [InlineData(ApprovalPolicy.OnRequest)]
    [InlineData(ApprovalPolicy.Never)]
    public async Task A_sandbox_denial_goes_back_to_the_agent_without_a_question(ApprovalPolicy policy)
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var (command, witness) = DeniedCommand(scenario);

        // Act
        var (response, questions) = await CallAsync(scenario, policy, command, _ => Accept);

        // Assert
        Assert.Empty(questions);
        var result = response["result"]!["structuredContent"]!;
        Assert.Equal(("completed", "workspace-write", "bubblewrap"), (Text(result, "status"), Text(result, "sandbox"), Text(result, "sandbox_backend")));
        Assert.NotEqual(0, result["exit_code"]!.GetValue<int>());
        Assert.Contains("Read-only file system", Text(result, "stderr"), StringComparison.Ordinal);
        Assert.Contains("sandbox appears to have denied", Text(result, "message"), StringComparison.Ordinal);
        Assert.False(File.Exists(witness));
    }

    [BubblewrapTheory]
    [InlineData(Accept, "completed")]
    [InlineData(Decline, "denied")]
    public async Task Require_escalated_under_on_request_asks_first_and_runs_unsandboxed_only_when_approved(string answer, string expectedStatus)
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var (command, witness) = DeniedCommand(scenario);

        // Act
        var (response, questions) = await CallAsync(scenario, ApprovalPolicy.OnRequest, command, _ => answer, permissions: "require_escalated");

        // Assert
        var question = Assert.Single(questions);
        Assert.Equal(("require_escalated", false), (Text(Approval(question), "escalation"), Approval(question)["retry_without_sandbox"]!.GetValue<bool>()));
        var result = response["result"]!["structuredContent"]!;
        Assert.Equal(expectedStatus, Text(result, "status"));
        Assert.Equal(expectedStatus == "completed", File.Exists(witness));
        if (expectedStatus == "completed")
        {
            Assert.Equal(("none", "none", 0), (Text(result, "sandbox"), Text(result, "sandbox_backend"), result["exit_code"]!.GetValue<int>()));
        }
    }

    /// <summary>A script the sandbox denies: a hostile failure message, then a write to the sibling folder (the witness).</summary>
    private static (string Command, string Witness) DeniedCommand(SandboxScenario scenario)
    {
        var witness = Path.Combine(scenario.Outside, SandboxScenario.UniqueMarker());
        var command = scenario.Script("deny.sh", $"""
            printf '\033[31mred \342\200\256txet desrever\n' >&2
            echo retried > {witness}
            """);
        return (command, witness);
    }

    private static async Task<(JsonObject Response, List<JsonObject> Questions)> CallAsync(
        SandboxScenario scenario, ApprovalPolicy policy, string command, Func<int, string> answerToQuestion, string? permissions = null)
    {
        await using var server = InMemoryMcpServer.Start(scenario.Pipeline(scenario.Settings(policy: policy)));
        using var client = server.ConnectRaw();
        await client.InitializeAsync();
        var arguments = new JsonObject { ["command"] = command };
        if (permissions is not null)
        {
            arguments["sandbox_permissions"] = permissions;
        }

        await client.CallShellAsync("call-1", arguments);
        var questions = new List<JsonObject>();
        while (true)
        {
            var message = await client.ReadMessageOrResponseAsync("elicitation/create", "call-1");
            if (message["method"] is null)
            {
                return (message, questions);
            }

            questions.Add(message);
            await client.AnswerAsync(message, answerToQuestion(questions.Count));
        }
    }

    private static JsonNode Approval(JsonObject question) => question["params"]!["_meta"]!["agentexec/approval"]!;

    private static string Text(JsonNode node, string name) => node[name]?.GetValue<string>() ?? string.Empty;
}
