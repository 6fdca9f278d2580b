namespace AgentExec.Core.Execution;

/// <summary>The result of one execution attempt.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="ExitCode">The exit code when the process exited (128+signal when a signal ended it); null otherwise.</param>
/// <param name="Stdout">What was kept of stdout.</param>
/// <param name="Stderr">What was kept of stderr.</param>
/// <param name="Duration">Wall time from start to the end of the attempt.</param>
/// <param name="StartError">Why the process could not start, when <see cref="Outcome"/> is <see cref="ExecutionOutcome.FailedToStart"/>.</param>
public sealed record ExecutionResult(
    ExecutionOutcome Outcome,
    int? ExitCode,
    CapturedOutput Stdout,
    CapturedOutput Stderr,
    TimeSpan Duration,
    string? StartError)
{
    /// <summary>True when either stream dropped bytes.</summary>
    public bool Truncated => Stdout.Truncated || Stderr.Truncated;
}
