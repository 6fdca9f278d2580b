namespace AgentExec.Core.Assessment;

/// <summary>The outcome of one assessment attempt: the risk when it succeeded, and how long it took either way.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Risk">The assessment, only with <see cref="AssessmentStatus.Success"/>.</param>
/// <param name="Latency">Time from the moment the approval was needed to the result.</param>
/// <param name="Detail">Why it failed, for the log.</param>
public sealed record AssessmentResult(AssessmentStatus Status, RiskAssessment? Risk, TimeSpan Latency, string? Detail = null)
{
    /// <summary>The result of a disabled assessor.</summary>
    public static AssessmentResult Disabled { get; } = new(AssessmentStatus.Disabled, null, TimeSpan.Zero);
}
