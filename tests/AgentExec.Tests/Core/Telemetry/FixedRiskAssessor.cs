using AgentExec.Core.Assessment;

namespace AgentExec.Tests.Core.Telemetry;

/// <summary>An assessor that returns one result for every request, without a model.</summary>
internal sealed class FixedRiskAssessor(AssessmentResult result) : IRiskAssessor
{
    public Task<AssessmentResult> AssessAsync(AssessmentRequest request, CancellationToken cancellationToken) => Task.FromResult(result);
}
