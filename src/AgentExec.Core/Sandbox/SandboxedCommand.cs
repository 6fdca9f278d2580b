namespace AgentExec.Core.Sandbox;

/// <summary>A command wrapped by a sandbox, ready for the runner.</summary>
/// <param name="Argv">The wrapped argv (for bubblewrap: <c>bwrap … -- bash -c line</c>).</param>
/// <param name="Environment">The environment to start it with.</param>
public sealed record SandboxedCommand(IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Environment);
