namespace AgentExec.Core.Execution;

/// <summary>How an execution attempt ended.</summary>
public enum ExecutionOutcome
{
    /// <summary>The process exited by itself (any exit code).</summary>
    Exited,

    /// <summary>The attempt's timeout passed and the process tree was killed.</summary>
    TimedOut,

    /// <summary>The caller cancelled (call cancelled, client gone) and the process tree was killed.</summary>
    Cancelled,

    /// <summary>The process could not be started at all.</summary>
    FailedToStart,
}
