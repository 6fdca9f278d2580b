namespace AgentExec.Core.Pipeline;

/// <summary>How a call ended (SPEC.md result <c>status</c>).</summary>
public enum ShellStatus
{
    /// <summary>The command ran to its end (any exit code).</summary>
    Completed,

    /// <summary>It was not run: forbidden, declined, aborted, or nobody could be asked.</summary>
    Denied,

    /// <summary>It ran past its timeout and was killed.</summary>
    TimedOut,

    /// <summary>It could not start: invalid input, bad working directory, no sandbox.</summary>
    FailedToStart,
}
