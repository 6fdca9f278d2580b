using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// The advisory risk assessment of a question (SPEC.md "Risk assessment"): it informs the human, never decides, and a
/// failing assessor means a question without a risk line.
/// </summary>
internal sealed class AssessmentStep(PipelineDependencies dependencies)
{
    /// <summary>What the risk assessor is told about a request (for <c>agentexec assess</c> and the question's assessment).</summary>
    /// <param name="request">The request, its working directory already resolved.</param>
    /// <param name="escalation">What the question asks beyond a sandboxed run.</param>
    /// <param name="sandboxFailure">For a retry: what the sandboxed attempt printed (already cut to 2 KiB).</param>
    public AssessmentRequest CreateRequest(ExecRequest request, EscalationKind escalation, string? sandboxFailure)
    {
        var settings = dependencies.Settings;
        IReadOnlyList<string> writable = settings.Sandbox switch
        {
            SandboxMode.ReadOnly => [],
            SandboxMode.WorkspaceWrite => [settings.Workspace, .. settings.WritableRoots],
            _ => ["/"],
        };
        return new(
            request.CommandLine,
            ShellArgv.For(request.CommandLine),
            request.WorkingDirectory,
            settings.Sandbox,
            writable,
            request.Justification,
            sandboxFailure,
            escalation,
            settings.Network);
    }

    /// <summary>Assesses the question about to be put, records the result, and never throws.</summary>
    public async Task<AssessmentResult> AssessAsync(PipelineCall call, EscalationKind escalation, string? sandboxFailure)
    {
        AssessmentResult result;
        try
        {
            result = await dependencies.Assessor.AssessAsync(CreateRequest(call.Request, escalation, sandboxFailure), call.Cancellation).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Advisory only: a failing assessor means "ask without a risk".
        catch (Exception exception)
#pragma warning restore CA1031
        {
            result = new AssessmentResult(AssessmentStatus.ModelError, null, TimeSpan.Zero, exception.GetType().Name);
        }

        call.Telemetry.Assessed(result);
        if (result.Status != AssessmentStatus.Disabled)
        {
            // Advisory evidence: a question without its assessment record is still a question, so a failed write does
            // not stop it (the answer's own record is what must not fail).
            await call.Recorder.AssessedAsync(result).ConfigureAwait(false);
        }

        return result;
    }
}
