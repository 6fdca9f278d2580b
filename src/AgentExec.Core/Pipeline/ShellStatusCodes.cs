namespace AgentExec.Core.Pipeline;

/// <summary>The wire spelling of a call's status (SPEC.md result <c>status</c>): one place for every renderer.</summary>
public static class ShellStatusCodes
{
    /// <summary>The status code: <c>completed</c>, <c>denied</c>, <c>timed_out</c> or <c>failed_to_start</c>.</summary>
    public static string ToCode(this ShellStatus status) => status switch
    {
        ShellStatus.Completed => "completed",
        ShellStatus.Denied => "denied",
        ShellStatus.TimedOut => "timed_out",
        ShellStatus.FailedToStart => "failed_to_start",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown status"),
    };

    /// <summary>
    /// The audit log's <c>execution_finished</c> <c>outcome</c>: the status, except that a run that was stopped is
    /// <c>cancelled</c> (the status says <c>denied</c>, because the agent's call did not get what it asked for).
    /// </summary>
    public static string ToOutcomeCode(this ShellStatus status) => status == ShellStatus.Denied ? "cancelled" : status.ToCode();
}
