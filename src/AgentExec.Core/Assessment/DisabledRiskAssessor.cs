namespace AgentExec.Core.Assessment;

/// <summary>The assessor when assessment is off: makes no call, returns <see cref="AssessmentStatus.Disabled"/>.</summary>
public sealed class DisabledRiskAssessor : IRiskAssessor
{
    /// <summary>The one instance.</summary>
    public static DisabledRiskAssessor Instance { get; } = new();

    private DisabledRiskAssessor()
    {
    }

    /// <inheritdoc />
    public Task<AssessmentResult> AssessAsync(AssessmentRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(AssessmentResult.Disabled);
}
