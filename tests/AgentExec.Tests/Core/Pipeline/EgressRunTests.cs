using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Network;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// A sandboxed run with a network allow-list through the real pipeline (SPEC.md "Network allow-list"): the proxy is
/// started around the run with the call's gate, a question is raised while the command runs, the command's timeout
/// waits for it, and a refusal never turns into a retry without the sandbox.
/// </summary>
public sealed class EgressRunTests : IDisposable
{
    private readonly PipelineStepScenario _scenario = new();
    private readonly FakeNetworkRuleCheck _rules = new();
    private readonly HttpEgressProxyHost _proxy = new();

    public void Dispose() => _scenario.Dispose();

    [Fact]
    public async Task A_destination_asked_about_while_the_command_runs_is_reached_once_approved_and_listed_in_the_result()
    {
        var channel = ScriptedApprovalChannel.Approving();
        var pipeline = EgressPipelines.Create(_scenario.Workspace, _scenario.Audit, _rules, _proxy);

        var result = await pipeline.ExecuteAsync(_scenario.Request(EgressPipelines.Fetch("example.com")), channel, null, CancellationToken.None);

        Assert.Equal((ShellStatus.Completed, 0), (result.Status, result.ExitCode));
        Assert.Equal("allowed example.com:80\n", result.Stdout.Text);
        Assert.Equal([new NetworkDecision(new NetworkTarget("example.com", 80), true)], result.Network);
        Assert.Equal(new NetworkTarget("example.com", 80), Assert.Single(channel.Questions).Network);
        Assert.Null(result.Approval);

        // The question and the decision fall between the command's start and its end, and the allowing decision was on
        // disk before the request went on.
        var names = _scenario.Names.ToList();
        Assert.Equal(
            [AuditEventNames.ExecutionStarted, AuditEventNames.ElicitationSent, AuditEventNames.Answer, AuditEventNames.NetworkDecision, AuditEventNames.ExecutionFinished],
            names.SkipWhile(name => name != AuditEventNames.ExecutionStarted));
        Assert.Contains((AuditEventNames.NetworkDecision, AuditFlush.BeforeReturning), _scenario.Audit.Flushes);
        Assert.Equal(1, _proxy.Started);
        Assert.False(File.Exists(_proxy.LastSocketPath), "the run's socket outlived the run");
    }

    [Fact]
    public async Task A_refused_destination_is_reported_to_the_command_with_how_to_allow_it()
    {
        var channel = ScriptedApprovalChannel.Declining();
        var pipeline = EgressPipelines.Create(_scenario.Workspace, _scenario.Audit, _rules, _proxy);

        var result = await pipeline.ExecuteAsync(_scenario.Request(EgressPipelines.Fetch("example.com")), channel, null, CancellationToken.None);

        Assert.Equal(ShellStatus.Completed, result.Status);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AgentExec refused the connection to example.com:80", result.Stdout.Text, StringComparison.Ordinal);
        Assert.Contains("--allow-domain example.com:80", result.Stdout.Text, StringComparison.Ordinal);
        Assert.Equal([new NetworkDecision(new NetworkTarget("example.com", 80), false)], result.Network);
    }

    [Fact]
    public async Task The_commands_timeout_waits_while_its_network_question_is_open()
    {
        // A 1 s timeout and a human who takes 2 s: the command completes, because the question's time does not count.
        var channel = new SlowApprovalChannel(TimeSpan.FromSeconds(2));
        var pipeline = EgressPipelines.Create(_scenario.Workspace, _scenario.Audit, _rules, _proxy);
        var request = PipelineFactory.Request(EgressPipelines.Fetch("example.com") + " && echo done", _scenario.Workspace, timeout: TimeSpan.FromSeconds(1));

        var result = await pipeline.ExecuteAsync(request, channel, null, CancellationToken.None);

        Assert.Equal((ShellStatus.Completed, 0), (result.Status, result.ExitCode));
        Assert.EndsWith("done\n", result.Stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_network_refusal_never_offers_the_retry_without_the_sandbox()
    {
        // Under on-failure a sandboxed run that fails with what looks like a sandbox denial is offered a retry outside
        // the sandbox; this "sandbox" calls every failure a denial, so only the network refusal can prevent the offer.
        _rules.Refusing("blocked.example");
        var channel = ScriptedApprovalChannel.Approving();
        var sandbox = PassThroughSandbox.Selection(looksDenied: execution => execution.ExitCode != 0);
        var pipeline = EgressPipelines.Create(_scenario.Workspace, _scenario.Audit, _rules, _proxy, ApprovalPolicy.OnFailure, sandbox);

        var refused = await pipeline.ExecuteAsync(_scenario.Request(EgressPipelines.Fetch("blocked.example")), channel, null, CancellationToken.None);
        var askedAfterRefusal = channel.Asked;
        var otherFailure = await pipeline.ExecuteAsync(_scenario.Request("exit 3", callId: "call-2"), channel, null, CancellationToken.None);

        Assert.Equal(0, askedAfterRefusal);
        Assert.Equal((ShellStatus.Completed, true), (refused.Status, refused.SandboxDenied));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.True(refused.NetworkRefused);
        Assert.Single(_scenario.Audit.Events, e => e.Name == AuditEventNames.PolicyDecision && e.Fields["call_id"]!.GetValue<string>() == "call-1");

        // The control: the same pipeline offers the retry for a failure that was not a network refusal.
        Assert.True(channel.Questions.Single().IsRetryWithoutSandbox);
        Assert.Equal(ShellStatus.Completed, otherFailure.Status);
    }

    [Fact]
    public async Task The_terminal_of_agentexec_run_is_asked_the_same_way_while_the_command_runs()
    {
        var terminal = new AgentExec.Tests.Cli.FakeTerminal();
        terminal.Answer("y");
        var channel = new AgentExec.Cli.Terminal.TerminalApprovalChannel(terminal, TimeProvider.System);
        var pipeline = EgressPipelines.Create(_scenario.Workspace, _scenario.Audit, _rules, _proxy);

        var result = await pipeline.ExecuteAsync(_scenario.Request(EgressPipelines.Fetch("example.com")), channel, null, CancellationToken.None);

        Assert.Equal((ShellStatus.Completed, 0), (result.Status, result.ExitCode));
        Assert.Contains("agentexec: Allow `curl ", terminal.Written.ToString(), StringComparison.Ordinal);
        Assert.Contains("` to connect to example.com:80?", terminal.Written.ToString(), StringComparison.Ordinal);
        Assert.Equal([new NetworkDecision(new NetworkTarget("example.com", 80), true)], result.Network);
    }

    [Fact]
    public async Task A_retry_without_the_sandbox_keeps_the_sandboxed_attempts_network_list()
    {
        _rules.Allowing("api.example");
        var channel = ScriptedApprovalChannel.Approving();
        var sandbox = PassThroughSandbox.Selection(looksDenied: execution => execution.ExitCode != 0);
        var pipeline = EgressPipelines.Create(_scenario.Workspace, _scenario.Audit, _rules, _proxy, ApprovalPolicy.OnFailure, sandbox);

        var result = await pipeline.ExecuteAsync(_scenario.Request(EgressPipelines.Fetch("api.example") + "; exit 1"), channel, null, CancellationToken.None);

        Assert.True(channel.Questions.Single().IsRetryWithoutSandbox);
        Assert.Equal(1, _proxy.Started);
        Assert.Equal([new NetworkDecision(new NetworkTarget("api.example", 80), true)], result.Network);
    }

    [Fact]
    public async Task A_run_outside_the_sandbox_gets_no_proxy_and_no_network_list()
    {
        var pipeline = EgressPipelines.Create(
            _scenario.Workspace, _scenario.Audit, _rules, _proxy, sandbox: new SandboxSelection(SandboxMode.DangerFullAccess, NoSandbox.Instance, null, []));

        var result = await pipeline.ExecuteAsync(_scenario.Request("echo hi"), ScriptedApprovalChannel.Approving(), null, CancellationToken.None);

        Assert.Equal(ShellStatus.Completed, result.Status);
        Assert.Equal(0, _proxy.Started);
        Assert.Null(result.Network);
    }

    [Fact]
    public async Task A_sandboxed_run_with_an_allow_list_that_asks_for_nothing_has_an_empty_network_list()
    {
        var pipeline = EgressPipelines.Create(_scenario.Workspace, _scenario.Audit, _rules, _proxy);

        var result = await pipeline.ExecuteAsync(_scenario.Request("echo hi"), ScriptedApprovalChannel.Approving(), null, CancellationToken.None);

        Assert.Equal(1, _proxy.Started);
        Assert.Empty(result.Network!);
    }

    /// <summary>A human who takes <paramref name="thinking"/> (real time) to approve once.</summary>
    private sealed class SlowApprovalChannel(TimeSpan thinking) : IApprovalChannel
    {
        public bool CanAsk => true;

        public ApprovalReason CannotAskReason => ApprovalReason.ClientCannotElicit;

        public string Render(ApprovalQuestion question) => ApprovalMessage.Render(question);

        public async Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken)
        {
            await Task.Delay(thinking, cancellationToken);
            return new ApprovalOutcome(ApprovalDecision.Approved, ApprovalSource.User, ApprovalReason.UserApproved);
        }
    }
}
