using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// Pipelines with a network allow-list for the gate's end-to-end tests: a pass-through "sandbox" that hands the
/// command its proxy socket, the fake lists, and the fake proxy that asks the gate about each request's <c>Host</c>.
/// </summary>
internal static class EgressPipelines
{
    /// <summary>A command that asks the proxy for <c>http://HOST/</c> and prints what it answered; fails on a refusal.</summary>
    public static string Fetch(string host) =>
        $"curl -sS --fail-with-body --unix-socket \"${PassThroughSandbox.SocketVariable}\" http://{host}/";

    public static ExecPipeline Create(
        string workspace,
        IAuditLog audit,
        FakeNetworkRuleCheck rules,
        HttpEgressProxyHost host,
        ApprovalPolicy policy = ApprovalPolicy.OnRequest,
        SandboxSelection? sandbox = null,
        TimeSpan? approvalTimeout = null)
    {
        var selection = sandbox ?? PassThroughSandbox.Selection();
        var settings = PipelineFactory.Settings(workspace, policy, approvalTimeout) with { Sandbox = selection.Mode };
        return new ExecPipeline(new PipelineDependencies(
            settings, FixedRuleSource.Empty, selection, DisabledRiskAssessor.Instance, audit, ChildEnvironment.ReadHost())
        {
            Egress = new PipelineEgress(rules, host),
        });
    }
}
