namespace AgentExec.Core.Assessment;

/// <summary>Judges a command's risk in a separate conversation, within a hard budget. Advisory only.</summary>
/// <remarks>Never throws: every failure is a result with a status, and the question is asked without a risk.</remarks>
public interface IRiskAssessor
{
    /// <summary>Assesses <paramref name="request"/>, returning within the configured budget.</summary>
    Task<AssessmentResult> AssessAsync(AssessmentRequest request, CancellationToken cancellationToken);
}
