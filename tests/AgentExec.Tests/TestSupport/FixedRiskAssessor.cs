using System.Collections.Concurrent;
using AgentExec.Core.Assessment;

namespace AgentExec.Tests.TestSupport;

/// <summary>An assessor that returns one result for every request, without a model, and keeps what it was asked.</summary>
internal sealed class FixedRiskAssessor(AssessmentResult result) : IRiskAssessor
{
    private readonly ConcurrentQueue<AssessmentRequest> _requests = new();

    /// <summary>The requests assessed, in order.</summary>
    public IReadOnlyList<AssessmentRequest> Requests => _requests.ToArray();

    public Task<AssessmentResult> AssessAsync(AssessmentRequest request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        return Task.FromResult(result);
    }
}
