namespace AgentExec.Core.Telemetry;

/// <summary>The attribute names on AgentExec's spans, span events and metrics, in one place.</summary>
/// <remarks>
/// Values are the wire codes of SPEC.md (<c>user_declined</c>, <c>workspace-write</c>…), so a trace reads like the tool
/// result and the audit log. Only <see cref="Command"/> and <see cref="WorkingDirectory"/> carry text from the agent,
/// and only when the user config sets <c>telemetry.include_command</c>.
/// </remarks>
public static class TelemetryAttributes
{
    /// <summary>The call id the audit log's events are stamped with (the <c>tools/call</c> request id, or <c>run-PID</c>).</summary>
    public const string CallId = "agentexec.call.id";

    /// <summary>How the call ended: <c>completed</c>, <c>denied</c>, <c>timed_out</c>, <c>failed_to_start</c>.</summary>
    public const string CallStatus = "agentexec.call.status";

    /// <summary>The approval policy in force: <c>untrusted</c>, <c>on-failure</c>, <c>on-request</c>, <c>never</c>.</summary>
    public const string ApprovalPolicy = "agentexec.approval_policy";

    /// <summary>The escalation the agent asked for: <c>none</c> or <c>require_escalated</c>.</summary>
    public const string Escalation = "agentexec.escalation";

    /// <summary>The policy's verdict before any human: <c>run</c>, <c>ask</c>, <c>forbid</c>.</summary>
    public const string PolicyVerdict = "agentexec.policy.verdict";

    /// <summary>The policy's reason code when a rule or the policy itself decided (<c>rule_forbidden</c>, <c>policy_never</c>…).</summary>
    public const string PolicyReason = "agentexec.policy.reason";

    /// <summary>The approval decision: <c>approved</c>, <c>approved_for_session</c>, <c>denied</c>, <c>abort</c>.</summary>
    public const string ApprovalDecision = "agentexec.approval.decision";

    /// <summary>Who decided: <c>user</c>, <c>session</c>, <c>rule</c>, <c>policy</c>.</summary>
    public const string ApprovalSource = "agentexec.approval.source";

    /// <summary>The approval's reason code, from SPEC.md's one list.</summary>
    public const string ApprovalReason = "agentexec.approval.reason";

    /// <summary>Milliseconds from sending a question to its answer (present only when a human was asked).</summary>
    public const string ApprovalWaitMs = "agentexec.approval.wait_ms";

    /// <summary>How the risk assessment ended: <c>success</c>, <c>timeout</c>, <c>model_error</c>, <c>parse_error</c>, <c>disabled</c>.</summary>
    public const string AssessmentStatus = "agentexec.assessment.status";

    /// <summary>Milliseconds the risk assessment took.</summary>
    public const string AssessmentLatencyMs = "agentexec.assessment.latency_ms";

    /// <summary>The assessed risk level: <c>low</c>, <c>medium</c>, <c>high</c>.</summary>
    public const string RiskLevel = "agentexec.risk.level";

    /// <summary>The assessed risk category (<c>data_deletion</c>, …, <c>none</c>).</summary>
    public const string RiskCategory = "agentexec.risk.category";

    /// <summary>The sandbox mode configured for the session (<c>danger-full-access</c> included).</summary>
    public const string SandboxConfigured = "agentexec.sandbox.configured";

    /// <summary>The sandbox the last attempt ran under, as the tool result's <c>sandbox</c>: <c>read-only</c>, <c>workspace-write</c>, <c>none</c>.</summary>
    public const string SandboxMode = "agentexec.sandbox.mode";

    /// <summary>The backend of that sandbox, as the tool result's <c>sandbox_backend</c>: <c>bubblewrap</c>, <c>landlock</c>, <c>none</c>.</summary>
    public const string SandboxBackend = "agentexec.sandbox.backend";

    /// <summary>True when the sandbox appears to have denied the (last sandboxed) attempt.</summary>
    public const string SandboxDenied = "agentexec.sandbox.denied";

    /// <summary>The command's exit code, when it ran to its end (OpenTelemetry's process convention).</summary>
    public const string ExitCode = "process.exit.code";

    /// <summary>The <c>seq</c> of the call's last audit event, to find the call in the audit log.</summary>
    public const string AuditSeq = "agentexec.audit.seq";

    /// <summary>On a network-decision span event: <c>allowed</c> or <c>denied</c>.</summary>
    public const string NetworkDecision = "agentexec.network.decision";

    /// <summary>On a network-decision span event: which rule or whom it came from (<c>allowed_domains</c>, <c>human</c>…).</summary>
    public const string NetworkSource = "agentexec.network.source";

    /// <summary>On a network-decision span event: the destination port.</summary>
    public const string NetworkPort = "agentexec.network.port";

    /// <summary>On a network-decision span event: the destination host, only with <c>telemetry.include_command</c> (the command chose it).</summary>
    public const string NetworkHost = "agentexec.network.host";

    /// <summary>How many destinations the call's egress proxy allowed (present only when it had one).</summary>
    public const string NetworkAllowedCount = "agentexec.network.allowed_count";

    /// <summary>How many destinations the call's egress proxy refused (present only when it had one).</summary>
    public const string NetworkDeniedCount = "agentexec.network.denied_count";

    /// <summary>The command line, only with <c>telemetry.include_command</c> in the user config.</summary>
    public const string Command = "agentexec.command";

    /// <summary>The requested working directory, only with <c>telemetry.include_command</c> in the user config.</summary>
    public const string WorkingDirectory = "agentexec.working_directory";
}
