using AgentExec.Core.Credentials;

namespace AgentExec.Core.Sandbox;

/// <summary>The git directories one bounded walk of the writable directories met.</summary>
/// <param name="DotGits">
/// Every <c>.git</c> entry (directory, gitfile or link), and every directory git would take for a git directory itself
/// (bare-shaped: it holds a <c>HEAD</c>), nearest first.
/// </param>
/// <param name="Incomplete">Why the walk stopped before the end (a bound), or null when it saw everything.</param>
public sealed record WalkedRepositories(IReadOnlyList<string> DotGits, string? Incomplete)
{
    /// <summary>
    /// The paths the sandbox kept read-only for the run the walk prepared (a placeholder among them): one of them that
    /// no one may search is no blind spot of a later walk either (<see cref="UnlistedDirectories"/>).
    /// </summary>
    public IReadOnlyList<string> ReadOnlyPaths { get; init; } = [];

    /// <summary>What a <see cref="CredentialScan"/> met: its <c>.git</c> entries and its bare-shaped git directories.</summary>
    /// <remarks>A directory the walk could not list but a command could reach into makes the walk incomplete: a repository may stand in it unseen.</remarks>
    internal static WalkedRepositories From(CredentialScanResult scan, IReadOnlyList<string>? readOnlyPaths = null)
    {
        IReadOnlyList<string> kept = readOnlyPaths ?? [];
        var unlisted = UnlistedDirectories.FirstReachable(scan.Unlisted, kept);
        return new([.. scan.Repositories, .. scan.GitDirectories], scan.Incomplete ?? (unlisted is null ? null : $"could not list {unlisted}"))
        {
            ReadOnlyPaths = kept,
        };
    }
}
