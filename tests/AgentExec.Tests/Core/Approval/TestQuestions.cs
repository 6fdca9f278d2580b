using AgentExec.Core.Approval;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Approval;

/// <summary>Questions as the pipeline builds them: the parts and the unknown reason come from the real analyzer.</summary>
internal static class TestQuestions
{
    public static ApprovalQuestion About(string commandLine, EscalationKind escalation = EscalationKind.None)
    {
        var analysis = CommandAnalyzer.Analyze(commandLine);
        return new ApprovalQuestion(
            "id-1",
            "call-1",
            commandLine,
            ["bash", "-c", commandLine],
            "/work",
            null,
            SandboxMode.WorkspaceWrite,
            SandboxBackendKind.Bubblewrap,
            escalation,
            null,
            null,
            escalation == EscalationKind.RetryWithoutSandbox ? [AgentExec.Core.Policy.PolicyEvaluator.RetryExplanation] : ["`" + commandLine + "`: needs a question"],
            analysis.Parts,
            analysis.UnknownReason,
            TimeSpan.FromMinutes(2));
    }
}
