namespace AgentExec.Core.Execution;

/// <summary>Everything needed to start one process: the final argv (already wrapped by the sandbox), where, with what, for how long.</summary>
/// <param name="Argv">Program and arguments; <c>Argv[0]</c> is looked up on <c>PATH</c> when it is not a path.</param>
/// <param name="WorkingDirectory">Absolute path the process starts in.</param>
/// <param name="Environment">The child's complete environment; nothing of the host's is inherited beyond it.</param>
/// <param name="Timeout">Bounds this execution attempt; when it passes, every process the command started is killed.</param>
/// <param name="OutputCapBytes">How many bytes of stdout and of stderr are kept, each; the rest is drained and counted.</param>
public sealed record ExecutionSpec(
    IReadOnlyList<string> Argv,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan Timeout,
    int OutputCapBytes)
{
    /// <summary>The default cap for each of stdout and stderr: 1 MiB (SPEC.md "Sandbox").</summary>
    public const int DefaultOutputCapBytes = 1024 * 1024;

    /// <summary>
    /// The clock that counts <see cref="Timeout"/>, when the caller must be able to pause it while a human is asked about
    /// the running command (a network question); null for the runner's own. The caller owns and disposes it.
    /// </summary>
    public PausableTimeout? TimeoutClock { get; init; }
}
