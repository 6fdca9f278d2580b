using AgentExec.Core.Assessment;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Assessment;

/// <summary>Assessment requests for tests: the shape the pipeline builds, with the command as the only variable.</summary>
internal static class AssessmentRequests
{
    public const string Workspace = "/home/dev/project";

    public static AssessmentRequest For(
        string command,
        string? justification = null,
        string? sandboxFailure = null,
        EscalationKind escalation = EscalationKind.None,
        SandboxMode sandbox = SandboxMode.WorkspaceWrite) =>
        new(command, ["bash", "-c", command], Workspace, sandbox, [Workspace], justification, sandboxFailure, escalation);
}
