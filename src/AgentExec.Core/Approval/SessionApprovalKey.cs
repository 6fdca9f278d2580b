using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Approval;

/// <summary>
/// What an <c>approved_for_session</c> answer covers (SPEC.md "Elicitation"): the exact command string, the
/// real path of the working directory, the sandbox mode and the kind of escalation.
/// </summary>
public sealed record SessionApprovalKey(string CommandLine, string WorkingDirectory, SandboxMode Sandbox, EscalationKind Escalation);
