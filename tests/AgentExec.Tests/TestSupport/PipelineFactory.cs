using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.TestSupport;

/// <summary>Builds real pipelines over a temporary workspace, with test doubles only at the seams (audit log, rules).</summary>
internal static class PipelineFactory
{
    public static AgentExecSettings Settings(string workspace, ApprovalPolicy policy = ApprovalPolicy.OnFailure, TimeSpan? approvalTimeout = null) => new()
    {
        Workspace = workspace,
        AuditLogPath = Path.Combine(workspace, "..", "audit.jsonl"),
        ApprovalPolicy = policy,
        // These tests are about policy and approval, so they run on every machine, with or without a working
        // sandbox backend; the sandbox itself is tested against the real bwrap (Core/Sandbox, Mcp/Sandbox*Tests).
        Sandbox = SandboxMode.DangerFullAccess,
        ApprovalTimeout = approvalTimeout ?? TimeSpan.FromSeconds(30),
    };

    /// <summary>A request as a front end would make it: <paramref name="command"/> in <paramref name="workdir"/>, no escalation.</summary>
    public static ExecRequest Request(string command, string workdir, string callId = "call-1", string? justification = null, TimeSpan? timeout = null) =>
        new(command, workdir, timeout ?? ExecRequest.DefaultTimeout, justification, EscalationKind.None, callId);

    public static ExecPipeline Create(
        AgentExecSettings settings,
        IAuditLog? auditLog = null,
        IReadOnlyList<PolicyRule>? rules = null,
        IRiskAssessor? assessor = null,
        PendingQuestionLimit? pending = null,
        SandboxSelection? sandbox = null,
        IReadOnlyDictionary<string, string>? hostEnvironment = null) =>
        new(new PipelineDependencies(
            settings,
            new FixedRuleSource(rules ?? []),
            sandbox ?? SandboxSelector.Select(settings),
            assessor ?? DisabledRiskAssessor.Instance,
            auditLog ?? new RecordingAuditLog(),
            hostEnvironment ?? ChildEnvironment.ReadHost())
        {
            PendingQuestions = pending ?? new(),
        });
}
