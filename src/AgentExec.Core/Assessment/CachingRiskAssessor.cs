using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Assessment;

/// <summary>
/// Reuses an earlier assessment when the same inputs come again within the session (SPEC.md "Risk assessment"), so a
/// command asked about twice — or a call retried under the 2026-07-28 protocol — is not assessed twice.
/// </summary>
/// <remarks>
/// Only successes are kept: a timeout or an endpoint error says nothing about the command, and the next question
/// deserves a fresh try. The cache is bounded (oldest entry out first) because the session lives as long as the
/// server, and identical inputs means every field of <see cref="AssessmentRequest"/>, compared by
/// <see cref="AssessmentRequestComparer"/>. A reused result reports a latency of zero and says it was reused.
/// </remarks>
internal sealed partial class CachingRiskAssessor : IRiskAssessor
{
    /// <summary>How many assessments are kept by default.</summary>
    public const int DefaultCapacity = 256;

    /// <summary>The <see cref="AssessmentResult.Detail"/> of a reused result.</summary>
    public const string ReusedDetail = "reused the session's earlier assessment of the same request";

    private readonly IRiskAssessor _inner;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<AssessmentRequest, AssessmentResult> _results = new(AssessmentRequestComparer.Instance);
    private readonly Queue<AssessmentRequest> _order = new();

    /// <summary>Wraps <paramref name="inner"/> with a session cache.</summary>
    /// <param name="inner">The assessor asked on a miss (the budgeted one).</param>
    /// <param name="logger">Where reuse is logged (debug).</param>
    /// <param name="capacity">How many assessments to keep.</param>
    public CachingRiskAssessor(IRiskAssessor inner, ILogger logger, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _inner = inner;
        _logger = logger;
        _capacity = capacity;
    }

    /// <summary>How many assessments are kept now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _results.Count;
            }
        }
    }

    /// <inheritdoc />
    public async Task<AssessmentResult> AssessAsync(AssessmentRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_results.TryGetValue(request, out var earlier))
            {
                LogReused(_logger);
                return earlier with { Latency = TimeSpan.Zero, Detail = ReusedDetail };
            }
        }

        var result = await _inner.AssessAsync(request, cancellationToken).ConfigureAwait(false);
        if (result.Status == AssessmentStatus.Success)
        {
            lock (_gate)
            {
                if (_results.TryAdd(request, result))
                {
                    _order.Enqueue(request);
                    if (_order.Count > _capacity)
                    {
                        _results.Remove(_order.Dequeue());
                    }
                }
            }
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Risk assessment: reused the earlier assessment of the same request")]
    private static partial void LogReused(ILogger logger);
}
