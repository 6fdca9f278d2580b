namespace AgentExec.Core.Sandbox;

/// <summary>A command wrapped by a sandbox, ready for the runner.</summary>
/// <param name="Argv">The wrapped argv (for bubblewrap: <c>bwrap … -- bash -c line</c>).</param>
/// <param name="Environment">The environment to start it with.</param>
public sealed record SandboxedCommand(IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>
    /// Removes what <see cref="ISandbox.Wrap"/> prepared for this one run (Landlock: its fresh <c>TMPDIR</c>); the caller
    /// invokes it once, after the run has ended or when it will not run. Null when there is nothing to remove. Never throws.
    /// </summary>
    public Action? Cleanup { get; init; }

    /// <summary>
    /// The <c>.git</c> entries the sandbox's own walk of the writable directories met while it prepared this run
    /// (bubblewrap's mount plan), so that the repository watch need not walk them again; null when it walked nothing.
    /// </summary>
    public WalkedRepositories? Repositories { get; init; }
}
