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

    /// <summary>
    /// What the user can do about <see cref="Problem"/> when it is not the backend's usual one (a missing program or
    /// kernel feature): a setting of theirs that this backend cannot protect. Null means the backend's usual fix applies.
    /// </summary>
    public string? Fix { get; private init; }

    /// <summary>A backend that works.</summary>
    /// <param name="sandbox">The backend.</param>
    /// <param name="caveats">What it cannot protect.</param>
    /// <returns>The result.</returns>
    public static SandboxProbeResult Working(ISandbox sandbox, IReadOnlyList<string> caveats) => new(sandbox, null, caveats);

    /// <summary>A backend that cannot be used.</summary>
    /// <param name="problem">Why not.</param>
    /// <returns>The result.</returns>
    public static SandboxProbeResult Unavailable(string problem) => new(null, problem, []);

    /// <summary>A backend that works here, but not with these settings, which <paramref name="fix"/> says how to change.</summary>
    /// <param name="problem">Why not.</param>
    /// <param name="fix">What the user can do instead, in words they can act on.</param>
    /// <returns>The result.</returns>
    public static SandboxProbeResult UnavailableForTheSettings(string problem, string fix) => new(null, problem, []) { Fix = fix };

    /// <summary>A backend that works here, but whose trial failed for this workspace (<see cref="FailsForTheWorkspace"/>).</summary>
    /// <param name="problem">Why not.</param>
    /// <returns>The result.</returns>
    public static SandboxProbeResult UnavailableForTheWorkspace(string problem) => new(null, problem, []) { FailsForTheWorkspace = true };
}
