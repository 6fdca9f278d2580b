using AgentExec.Core.Audit;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
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
        // TODO(issue 3): run these tests under the real sandbox once a backend exists.
        Sandbox = SandboxMode.DangerFullAccess,
        ApprovalTimeout = approvalTimeout ?? TimeSpan.FromSeconds(30),
    };

    public static ExecPipeline Create(
        AgentExecSettings settings,
        IAuditLog? auditLog = null,
        IReadOnlyList<PolicyRule>? rules = null,
        IRiskAssessor? assessor = null,
        PendingQuestionLimit? pending = null) =>
        new(new PipelineDependencies(
            settings,
            new FixedRuleSource(rules ?? []),
            SandboxSelector.Select(settings),
            assessor ?? DisabledRiskAssessor.Instance,
            auditLog ?? new RecordingAuditLog(),
            ChildEnvironment.ReadHost())
        {
            PendingQuestions = pending ?? new(),
        });
}
