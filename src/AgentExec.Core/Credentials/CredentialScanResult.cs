namespace AgentExec.Core.Credentials;

/// <summary>What a <see cref="CredentialScan"/> found under the writable directories.</summary>
/// <param name="Found">The files and folders whose names are credential names, nearest first.</param>
/// <param name="EntriesRead">How many directory entries were read.</param>
/// <param name="Incomplete">Why the scan stopped before the end (a bound was reached), or null when it saw everything.</param>
internal sealed record CredentialScanResult(IReadOnlyList<string> Found, int EntriesRead, string? Incomplete)
{
    /// <summary>Every <c>.git</c> entry (directory, gitfile or link) the walk met, nearest first; not entered.</summary>
    public IReadOnlyList<string> Repositories { get; init; } = [];

    /// <summary>
    /// Every directory the walk met that holds an entry named <c>HEAD</c>: git may take such a directory for a git
    /// directory itself (a bare repository, or one given a work tree by <c>core.worktree</c>), with no <c>.git</c> at all.
    /// </summary>
    public IReadOnlyList<string> GitDirectories { get; init; } = [];

    /// <summary>
    /// Every directory the walk could not list (permission denied), nearest first; what lies below it was not seen.
    /// Whether a command could still reach into one is the sandbox's to judge (<c>Sandbox.UnlistedDirectories</c>).
    /// </summary>
    public IReadOnlyList<string> Unlisted { get; init; } = [];

    /// <summary>
    /// Every link to a directory the walk met, nearest first; not followed. A reader that follows links below its
    /// directories (git grep, for the tracked paths under one) reads what lies below their targets.
    /// </summary>
    public IReadOnlyList<string> DirectoryLinks { get; init; } = [];

    /// <summary>
    /// True when the scan stopped at its bound on matches or on repositories. A command can reach the entries bound too
    /// (200,000 empty names), but a large tree reaches it by itself, and refusing there would refuse every such tree
    /// (docs/credentials.md, "The scan"); these two a command reaches with far fewer names: 2,000 empty
    /// <c>.env.N</c> files, or 500 directories holding a file named <c>HEAD</c>, nearest the root, and every
    /// credential and nested <c>.git</c> below them stayed readable and writable in the next sandbox (found by an
    /// attack).
    /// </summary>
    public bool StoppedByNamesAlone { get; init; }
}
