using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Network;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Sandbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// The per-call egress gate (SPEC.md "Network allow-list"): the lists' verdict, a session approval of <c>host:port</c>,
/// then one question at a time through the call's channel; every decision audited, listed and explained to the command.
/// </summary>
public sealed class CallEgressGateTests : IDisposable
{
    private static readonly ApprovalOutcome Once = new(ApprovalDecision.Approved, ApprovalSource.User, ApprovalReason.UserApproved);
    private static readonly ApprovalOutcome ForSession = new(ApprovalDecision.ApprovedForSession, ApprovalSource.User, ApprovalReason.UserApproved);
    private static readonly ApprovalOutcome Declined = ApprovalOutcome.DeniedByChannel(ApprovalReason.UserDeclined);

    private static readonly string[] Hosts = ["one.example", "two.example", "three.example"];

    private readonly TemporaryDirectory _root = new();
    private readonly RecordingAuditLog _audit = new();
    private readonly FakeNetworkRuleCheck _rules = new();
    private readonly NetworkApprovals _session = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _root.Dispose();
    }

    [Fact]
    public async Task A_refused_verdict_is_refused_without_a_question_and_the_message_names_the_host_and_the_deny_list()
    {
        _rules.Refusing("evil.example");
        var channel = ScriptedApprovalChannel.Approving();
        var gate = Gate(channel);

        var permit = await gate.DecideAsync(Target("evil.example", 443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.False(permit.Allowed);
        Assert.Empty(permit.Addresses);
        Assert.Contains("evil.example:443", permit.RefusalMessage, StringComparison.Ordinal);
        Assert.Contains("network.denied_domains", permit.RefusalMessage, StringComparison.Ordinal);
        Assert.Equal(0, channel.Asked);
        var decided = Decision();
        Assert.Equal(("evil.example", 443, "connect", "denied", NetworkDecisionSources.DeniedDomains), (decided["host"]!.GetValue<string>(), decided["port"]!.GetValue<int>(), decided["request"]!.GetValue<string>(), decided["decision"]!.GetValue<string>(), decided["source"]!.GetValue<string>()));
        Assert.Equal([new NetworkDecision(Target("evil.example", 443), false)], gate.Decisions);
        Assert.True(gate.AnyRefused);
    }

    [Fact]
    public async Task An_allowed_verdict_lets_the_checked_addresses_through_and_its_event_is_on_disk_first()
    {
        _rules.Allowing("api.example");
        var channel = ScriptedApprovalChannel.Approving();
        var gate = Gate(channel);

        var permit = await gate.DecideAsync(Target("api.example", 443), EgressRequestKind.PlainHttp, CancellationToken.None);

        Assert.True(permit.Allowed);
        Assert.Equal([FakeNetworkRuleCheck.CheckedAddress], permit.Addresses);
        Assert.Equal(0, channel.Asked);
        Assert.Equal((AuditEventNames.NetworkDecision, AuditFlush.BeforeReturning), _audit.Flushes.Single());
        Assert.Equal(("allowed", NetworkDecisionSources.AllowedDomains, "http"), (Decision()["decision"]!.GetValue<string>(), Decision()["source"]!.GetValue<string>(), Decision()["request"]!.GetValue<string>()));
        Assert.False(gate.AnyRefused);
    }

    [Fact]
    public async Task An_allowed_decision_whose_event_cannot_be_written_is_refused()
    {
        _rules.Allowing("api.example");
        _audit.Broken = true;
        var gate = Gate(ScriptedApprovalChannel.Approving());

        var permit = await gate.DecideAsync(Target("api.example", 443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.False(permit.Allowed);
        Assert.Contains("audit_unavailable", permit.RefusalMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_once_approval_allows_this_connection_only_and_the_next_one_is_asked_again()
    {
        var channel = new ScriptedApprovalChannel(Once);
        var gate = Gate(channel);

        var first = await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);
        var second = await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.True(first.Allowed && second.Allowed);
        Assert.Equal(2, channel.Asked);
        Assert.False(_session.Covers(Target("example.com", 443)));
        var question = channel.Questions[0];
        Assert.Equal(Target("example.com", 443), question.Network);
        Assert.StartsWith("Allow `curl https://example.com` to connect to example.com:443?\n", ApprovalMessage.Render(question), StringComparison.Ordinal);
        var decided = _audit.Events.First(e => e.Name == AuditEventNames.NetworkDecision).Fields;
        Assert.Equal(("allowed", NetworkDecisionSources.Human, "user_approved", question.ApprovalId), (decided["decision"]!.GetValue<string>(), decided["source"]!.GetValue<string>(), decided["approval_reason"]!.GetValue<string>(), decided["approval_id"]!.GetValue<string>()));
        Assert.Equal(
            [AuditEventNames.ElicitationSent, AuditEventNames.Answer, AuditEventNames.NetworkDecision, AuditEventNames.ElicitationSent, AuditEventNames.Answer, AuditEventNames.NetworkDecision],
            _audit.Names);
    }

    [Fact]
    public async Task A_session_approval_covers_the_same_host_and_port_without_a_question_but_not_another_port()
    {
        var channel = new ScriptedApprovalChannel(ForSession);
        var gate = Gate(channel);

        await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);
        var again = await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);
        var anotherCall = await Gate(ScriptedApprovalChannel.Declining()).DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);
        await gate.DecideAsync(Target("example.com", 8443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.True(again.Allowed);
        Assert.True(anotherCall.Allowed);
        Assert.Equal(2, channel.Asked);
        Assert.Equal(Target("example.com", 8443), channel.Questions[1].Network);
        Assert.Contains(_audit.Events, e => e.Name == AuditEventNames.NetworkDecision && e.Fields["source"]!.GetValue<string>() == NetworkDecisionSources.Session);
    }

    [Fact]
    public async Task A_declined_connection_is_refused_with_the_reason_and_how_the_human_can_allow_it()
    {
        var channel = ScriptedApprovalChannel.Declining();
        var gate = Gate(channel);

        var permit = await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.False(permit.Allowed);
        Assert.Contains("example.com:443", permit.RefusalMessage, StringComparison.Ordinal);
        Assert.Contains("user_declined", permit.RefusalMessage, StringComparison.Ordinal);
        Assert.Contains("--allow-domain example.com:443", permit.RefusalMessage, StringComparison.Ordinal);
        Assert.Contains("network.allowed_domains", permit.RefusalMessage, StringComparison.Ordinal);
        Assert.Equal(("denied", NetworkDecisionSources.Human, "user_declined"), (Decision()["decision"]!.GetValue<string>(), Decision()["source"]!.GetValue<string>(), Decision()["approval_reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_declined_destination_is_not_asked_again_in_the_same_run_but_another_one_is()
    {
        var channel = ScriptedApprovalChannel.Declining();
        var gate = Gate(channel);

        var first = await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);
        var again = await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);
        var other = await gate.DecideAsync(Target("other.example", 443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.False(first.Allowed || again.Allowed || other.Allowed);
        Assert.Equal(2, channel.Asked);
        Assert.Contains("declined this destination earlier", again.RefusalMessage, StringComparison.Ordinal);
        Assert.All(
            _audit.Events.Where(e => e.Name == AuditEventNames.NetworkDecision),
            e => Assert.Equal((NetworkDecisionSources.Human, "user_declined"), (e.Fields["source"]!.GetValue<string>(), e.Fields["approval_reason"]!.GetValue<string>())));
    }

    [Fact]
    public async Task A_question_nobody_answers_is_refused_and_no_later_connection_of_the_call_is_asked()
    {
        var channel = new ScriptedApprovalChannel(ApprovalOutcome.DeniedByChannel(ApprovalReason.NoResponse, "timeout"));
        var gate = Gate(channel);

        var first = await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);
        var second = await gate.DecideAsync(Target("other.example", 443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.False(first.Allowed || second.Allowed);
        Assert.Equal(1, channel.Asked);
        Assert.All(_audit.Events.Where(e => e.Name == AuditEventNames.NetworkDecision), e => Assert.Equal(NetworkDecisionSources.NoAnswer, e.Fields["source"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_unlisted_name_nobody_can_be_asked_about_is_refused_without_being_looked_up()
    {
        _rules.Allowing("listed.example");
        var gate = Gate(NobodyToAsk.Instance);

        var unlisted = await gate.DecideAsync(Target("secret-data.attacker.example", 443), EgressRequestKind.Connect, CancellationToken.None);
        var listed = await gate.DecideAsync(Target("listed.example", 443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.False(unlisted.Allowed);
        Assert.True(listed.Allowed);
        Assert.Equal(1, _rules.Checks);
    }

    [Fact]
    public async Task No_channel_refuses_without_asking()
    {
        var gate = Gate(NobodyToAsk.Instance);

        var permit = await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.False(permit.Allowed);
        Assert.Equal(("client_cannot_elicit", NetworkDecisionSources.NoAnswer), (Decision()["approval_reason"]!.GetValue<string>(), Decision()["source"]!.GetValue<string>()));
        Assert.DoesNotContain(AuditEventNames.ElicitationSent, _audit.Names);
    }

    [Fact]
    public async Task The_never_policy_refuses_without_asking_and_says_so()
    {
        var channel = ScriptedApprovalChannel.Approving();
        var gate = Gate(channel, ApprovalPolicy.Never);

        var permit = await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.False(permit.Allowed);
        Assert.Equal(0, channel.Asked);
        Assert.Contains("approval policy is never", permit.RefusalMessage, StringComparison.Ordinal);
        Assert.Equal("policy_never", Decision()["approval_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_check_that_throws_is_a_refusal_not_an_exception()
    {
        _rules.Throws = true;
        var gate = Gate(ScriptedApprovalChannel.Approving());

        var permit = await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.False(permit.Allowed);
        Assert.Contains("example.com:443", permit.RefusalMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_one_question_is_open_at_a_time_and_the_others_wait_their_turn()
    {
        var channel = new HeldApprovalChannel();
        var gate = Gate(channel);

        var waiting = Hosts
            .Select(host => gate.DecideAsync(Target(host, 443), EgressRequestKind.Connect, CancellationToken.None))
            .ToArray();
        await channel.AnswerNextAsync(Once);
        await channel.AnswerNextAsync(Declined);
        await channel.AnswerNextAsync(Once);
        var permits = await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(1, channel.MostOpenAtOnce);
        Assert.Equal(3, channel.Questions.Count);
        Assert.Equal(2, permits.Count(p => p.Allowed));
    }

    [Fact]
    public async Task Connections_waiting_for_the_same_destination_take_a_session_answer_given_meanwhile_without_another_question()
    {
        var channel = new HeldApprovalChannel();
        var gate = Gate(channel);

        var waiting = Enumerable.Range(0, 3)
            .Select(_ => gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None))
            .ToArray();
        await channel.AnswerNextAsync(ForSession);
        var permits = await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.All(permits, p => Assert.True(p.Allowed));
        Assert.Single(channel.Questions);
        Assert.Equal([new NetworkDecision(Target("example.com", 443), true)], gate.Decisions);
    }

    [Fact]
    public async Task The_commands_timeout_is_paused_while_the_question_is_open_and_runs_again_after()
    {
        var channel = new HeldApprovalChannel();
        var timeout = new PausableTimeout(TimeProvider.System);
        _owned.Add(timeout);
        var pausedWhileOpen = false;
        channel.WhileOpen = _ => pausedWhileOpen = timeout.IsPaused;
        var gate = Gate(channel, timeout: timeout);

        var deciding = gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);
        await channel.AnswerNextAsync(Once);
        await deciding.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.True(pausedWhileOpen);
        Assert.False(timeout.IsPaused);
    }

    [Fact]
    public async Task Closing_the_gate_when_the_run_ends_refuses_the_open_question_and_everything_after()
    {
        var channel = new HeldApprovalChannel();
        var gate = Gate(channel);

        var open = gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);
        await WaitUntilAsync(() => channel.Questions.Count == 1);
        gate.Close();
        var permit = await open.WaitAsync(TimeSpan.FromSeconds(15));
        var later = await gate.DecideAsync(Target("example.com", 443), EgressRequestKind.Connect, CancellationToken.None);

        Assert.False(permit.Allowed || later.Allowed);
        Assert.Single(channel.Questions);
    }

    private static NetworkTarget Target(string host, int port) =>
        NetworkTarget.TryCreate(host, port, out var target, out var error) ? target : throw new ArgumentException(error);

    private System.Text.Json.Nodes.JsonObject Decision() => _audit.Events.Last(e => e.Name == AuditEventNames.NetworkDecision).Fields;

    private CallEgressGate Gate(IApprovalChannel channel, ApprovalPolicy policy = ApprovalPolicy.OnRequest, PausableTimeout? timeout = null)
    {
        var workspace = Directory.CreateDirectory(Path.Combine(_root.Path, "workspace")).FullName;
        var settings = PipelineFactory.Settings(workspace, policy);
        var dependencies = new PipelineDependencies(
            settings, FixedRuleSource.Empty, SandboxSelector.Select(settings), DisabledRiskAssessor.Instance, _audit, ChildEnvironment.ReadHost());
        var request = PipelineFactory.Request("curl https://example.com", workspace);
        var evaluation = new ExecPipeline(dependencies).Evaluate(request);
        var telemetry = CallTelemetry.Start(request, settings, TimeProvider.System);
        if (timeout is null)
        {
            timeout = new PausableTimeout(TimeProvider.System);
            _owned.Add(timeout);
        }

        var call = new PipelineCall(request, new CallRecorder(_audit, request.CallId, NullLogger.Instance), telemetry, channel, null, CancellationToken.None);
        var gate = new CallEgressGate(dependencies, new PipelineEgress(_rules, new UnusedProxyHost()) { SessionApprovals = _session }, call, evaluation, timeout);
        _owned.Add(gate);
        _owned.Add(telemetry);
        return gate;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, bound.Token);
        }
    }

    private sealed class UnusedProxyHost : IEgressProxyHost
    {
        public Task<IAsyncDisposable> StartAsync(string socketPath, IEgressGate gate, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the gate tests start no proxy");
    }
}
