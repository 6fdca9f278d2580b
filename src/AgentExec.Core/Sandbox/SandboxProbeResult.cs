namespace AgentExec.Core.Sandbox;

/// <summary>What probing one backend found: a working sandbox with its caveats, or the problem that rules it out.</summary>
/// <param name="Sandbox">The working backend; null when it cannot be used.</param>
/// <param name="Problem">Why the backend cannot be used, in words a user can act on; null when it works.</param>
/// <param name="Caveats">What the working backend cannot protect under these settings.</param>
public sealed record SandboxProbeResult(ISandbox? Sandbox, string? Problem, IReadOnlyList<string> Caveats)
{
    /// <summary>True when the backend works.</summary>
    public bool Works => Sandbox is not null;

    /// <summary>
    /// True when the backend works on this machine but not for this workspace: what the workspace holds (which the agent
    /// may have planted) made the trial fail, so another backend must not be chosen in its place.
    /// </summary>
    public bool FailsForTheWorkspace { get; private init; }

    /// <summary>A backend that works.</summary>
    /// <param name="sandbox">The backend.</param>
    /// <param name="caveats">What it cannot protect.</param>
    /// <returns>The result.</returns>
    public static SandboxProbeResult Working(ISandbox sandbox, IReadOnlyList<string> caveats) => new(sandbox, null, caveats);

    /// <summary>A backend that cannot be used.</summary>
    /// <param name="problem">Why not.</param>
    /// <returns>The result.</returns>
    public static SandboxProbeResult Unavailable(string problem) => new(null, problem, []);

    /// <summary>A backend that works here, but whose trial failed for this workspace (<see cref="FailsForTheWorkspace"/>).</summary>
    /// <param name="problem">Why not.</param>
    /// <returns>The result.</returns>
    public static SandboxProbeResult UnavailableForTheWorkspace(string problem) => new(null, problem, []) { FailsForTheWorkspace = true };
}
