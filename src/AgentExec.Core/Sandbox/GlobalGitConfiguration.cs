namespace AgentExec.Core.Sandbox;

/// <summary>What the user's global git configuration makes git read or run, for every repository of the user's.</summary>
/// <param name="Paths">The configuration files, the files they include, an absolute <c>core.hooksPath</c> and an absolute <c>init.templateDir</c>.</param>
/// <param name="RelativeHooksPaths">Each relative <c>core.hooksPath</c> value, which names a directory in every work tree.</param>
/// <param name="AbsoluteHooksPaths">Each absolute (or <c>~/</c>) <c>core.hooksPath</c>, also among <paramref name="Paths"/>.</param>
internal sealed record GlobalGitConfiguration(IReadOnlyList<string> Paths, IReadOnlyList<string> RelativeHooksPaths, IReadOnlyList<string> AbsoluteHooksPaths)
{
    /// <summary>
    /// What the configuration names that cannot be placed or read (a <c>~user/</c> include or hooks path, a relative
    /// template directory, a file this reader refuses): git may read or run it from a writable directory, so a sandbox
    /// that must keep those read-only cannot be built (bubblewrap's plan refuses, Landlock refuses to start).
    /// </summary>
    public IReadOnlyList<string> Unknown { get; init; } = [];

    /// <summary>Nothing to keep (a read-only run, or no global configuration).</summary>
    public static GlobalGitConfiguration None { get; } = new([], [], []);

    /// <summary>The hooks directories a relative global <c>core.hooksPath</c> names for the repository whose entry is <paramref name="dotGit"/>.</summary>
    public IEnumerable<string> HooksPathsIn(string dotGit) =>
        RelativeHooksPaths.Select(value => Path.Join(Path.GetDirectoryName(dotGit) ?? "/", value));
}
