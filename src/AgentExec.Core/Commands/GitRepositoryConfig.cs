using AgentExec.Core.Credentials;

namespace AgentExec.Core.Commands;

/// <summary>
/// Decides, without starting git, whether git inspection (<c>status</c>, <c>log</c>, <c>diff</c>, <c>show</c>,
/// <c>branch</c>, …) could run a program named by configuration the agent can write, read its state through a link
/// (<see cref="GitDirectoryLinks"/>) or read a work tree other than the one it was found from (SPEC.md "Policy", step 3a).
/// </summary>
/// <remarks>
/// What is read, what is trusted, the key list and the time-of-check caveat are in docs/git-inspection.md.
/// The answer holds for the moment of the check: the sandbox keeps <c>.git</c> read-only while the command runs.
/// </remarks>
internal static class GitRepositoryConfig
{
    /// <summary>
    /// Null when it is proven that no configuration git will read from the agent-writable side names a program;
    /// otherwise a short reason phrase (<c>the repository's config sets core.fsmonitor</c>).
    /// </summary>
    /// <param name="workingDirectory">The directory git starts in (after <c>cd</c> and <c>-C</c>), absolute.</param>
    /// <param name="homeDirectory">The <c>HOME</c> git sees, for <c>~/</c> in includes and the global config; null when none.</param>
    /// <param name="writableRoots">Every directory the agent can write, absolute and resolved.</param>
    public static string? FindProgramSetting(string workingDirectory, string? homeDirectory, IReadOnlyList<string> writableRoots) =>
        FindProgramSetting(workingDirectory, homeDirectory, writableRoots, new LinkResolver());

    /// <summary><see cref="FindProgramSetting(string, string?, IReadOnlyList{string})"/>, reading links through <paramref name="links"/>, which lives for one analysis.</summary>
    public static string? FindProgramSetting(string workingDirectory, string? homeDirectory, IReadOnlyList<string> writableRoots, LinkResolver links) =>
        FindProgramSetting(workingDirectory, homeDirectory, writableRoots, links, new GitDirectoryLinks());

    /// <summary>
    /// <see cref="FindProgramSetting(string, string?, IReadOnlyList{string}, LinkResolver)"/>, walking each git directory
    /// for links through <paramref name="gitDirectoryLinks"/>, which lives for one analysis.
    /// </summary>
    public static string? FindProgramSetting(string workingDirectory, string? homeDirectory, IReadOnlyList<string> writableRoots, LinkResolver links, GitDirectoryLinks gitDirectoryLinks)
    {
        ArgumentNullException.ThrowIfNull(workingDirectory);
        ArgumentNullException.ThrowIfNull(writableRoots);
        return new GitConfigInspection(homeDirectory, writableRoots, links, gitDirectoryLinks).Run(workingDirectory);
    }
}
