using AgentExec.Core.Text;
using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Assessment;

/// <summary>
/// The one hard deadline of SPEC.md "Risk assessment": the whole inner call — prompt rendering, DNS, connection
/// set-up, a cold client, the model's answer — must end within the budget, measured from the moment the approval is
/// needed; otherwise the result is <c>timeout</c> and the question goes ahead without a risk. Logs every outcome with
/// its latency.
/// </summary>
/// <remarks>
/// <para>
/// The deadline is enforced around the call, not only inside it: the inner call is started on the thread pool (so not
/// even a synchronous stall before its first <c>await</c> can hold the caller) and awaited with
/// <see cref="Task.WaitAsync(TimeSpan, TimeProvider, CancellationToken)"/>. When the budget runs out, the inner call's
/// token is cancelled and its eventual ending is still observed (and logged at debug level), so no work outlives the
/// budget unobserved. An HTTP timeout alone would not do: it does not cover DNS in every handler, nor anything the
/// client does before sending.
/// </para>
/// <para>
/// If the caller's token is cancelled (the call was cancelled, on whichever channel), the assessment ends at once with
/// <c>timeout</c> — the time it was allowed ran out early — and the inner call is cancelled the same way.
/// </para>
/// </remarks>
internal sealed partial class BudgetedRiskAssessor : IRiskAssessor
{
    private readonly IRiskAssessor _inner;
    private readonly TimeSpan _budget;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _outstanding;

    /// <summary>Wraps <paramref name="inner"/> in a hard budget.</summary>
    /// <param name="inner">The real assessor.</param>
    /// <param name="budget">The whole call's budget (<c>--assessment-timeout-ms</c>).</param>
    /// <param name="time">The clock every timer comes from.</param>
    /// <param name="logger">Where the outcome and latency are logged.</param>
    public BudgetedRiskAssessor(IRiskAssessor inner, TimeSpan budget, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero);
        _inner = inner;
        _budget = budget;
        _time = time;
        _logger = logger;
    }

    /// <summary>Inner calls abandoned at the deadline that have not ended yet (for tests and diagnostics).</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <inheritdoc />
    public async Task<AssessmentResult> AssessAsync(AssessmentRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var call = Task.Run(() => _inner.AssessAsync(request, attempt.Token), CancellationToken.None);

        AssessmentResult result;
        try
        {
            result = await call.WaitAsync(_budget, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            result = new AssessmentResult(AssessmentStatus.Timeout, null, TimeSpan.Zero, $"no answer within the budget of {(long)_budget.TotalMilliseconds} ms");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = new AssessmentResult(AssessmentStatus.Timeout, null, TimeSpan.Zero, "the call was cancelled before the assessment finished");
        }
#pragma warning disable CA1031 // An assessor should not throw; if one does, that is a model_error, and the question goes on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            result = new AssessmentResult(AssessmentStatus.ModelError, null, TimeSpan.Zero, exception.GetType().Name + ": " + exception.Message);
        }

        result = result with { Latency = _time.GetElapsedTime(started) };
        if (call.IsCompleted)
        {
            attempt.Dispose();
        }
        else
        {
            // Not awaited: cancellation callbacks belong to the abandoned call, and the caller's deadline must not wait
            // for them. Abandon observes the call's end, and disposes the source only then.
            var cancelling = attempt.CancelAsync();
            Abandon(call, cancelling, attempt);
        }

        Log(result);
        return result;
    }

    private void Abandon(Task<AssessmentResult> call, Task cancelling, CancellationTokenSource attempt)
    {
        Interlocked.Increment(ref _outstanding);
        _ = Task.WhenAll(call, cancelling).ContinueWith(
            both =>
            {
                // Reading each exception marks it observed; the result no longer matters to anyone.
                _ = both.Exception;
                _ = cancelling.Exception;
                var ending = call.IsFaulted ? call.Exception!.InnerException?.GetType().Name ?? "fault"
                    : call.IsCanceled ? "cancelled"
                    : call.Result.Status.ToString();
                LogAbandonedEnded(_logger, ending);
                attempt.Dispose();
                Interlocked.Decrement(ref _outstanding);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Log(AssessmentResult result)
    {
        var latencyMs = (long)result.Latency.TotalMilliseconds;
        if (result.Risk is { } risk)
        {
            LogSuccess(_logger, latencyMs, risk.LevelCode, risk.Category);
        }
        else
        {
            LogFallback(_logger, AssessmentStatusCodes.ToCode(result.Status), latencyMs, UntrustedText.Escape(result.Detail ?? "no detail"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Risk assessment: success in {LatencyMs} ms ({Level}, {Category})")]
    private static partial void LogSuccess(ILogger logger, long latencyMs, string level, string category);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Risk assessment: {Status} after {LatencyMs} ms: {Detail}; the question is asked without a risk")]
    private static partial void LogFallback(ILogger logger, string status, long latencyMs, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "An abandoned risk-assessment call ended ({Ending}) after its budget")]
    private static partial void LogAbandonedEnded(ILogger logger, string ending);
}
