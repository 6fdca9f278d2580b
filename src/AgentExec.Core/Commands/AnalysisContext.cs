using AgentExec.Core.Credentials;

namespace AgentExec.Core.Commands;

/// <summary>
/// What a proof of "known-safe" needs to know beyond the line itself (SPEC.md "Policy", step 3a): where the
/// line starts, whose home <c>~</c> is, which directories the agent can write, the <c>PATH</c> the command will
/// search, the credential list, and whether the sandbox in force hides those credentials.
/// </summary>
/// <param name="WorkingDirectory">The directory the line starts in (absolute, symlinks resolved).</param>
/// <param name="HomeDirectory">The <c>HOME</c> the command sees, or null when it has none.</param>
/// <param name="SearchPath">The <c>PATH</c> the command sees, or null when it has none.</param>
/// <param name="WritableRoots">Every directory the agent can write to (the workspace first), absolute and resolved.</param>
/// <param name="Credentials">The credential list.</param>
/// <param name="CredentialsHidden">True when the sandbox in force hides every credential location (bubblewrap).</param>
public sealed record AnalysisContext(
    string WorkingDirectory,
    string? HomeDirectory,
    string? SearchPath,
    IReadOnlyList<string> WritableRoots,
    CredentialList Credentials,
    bool CredentialsHidden)
{
    /// <summary>
    /// Directories every local user can write (<c>/tmp</c>, <c>/var/tmp</c>, <c>/dev/shm</c>, the temporary directory):
    /// a program found through one of them on <c>PATH</c> could be anyone's, so it is not known-safe.
    /// </summary>
    public IReadOnlyList<string> SharedDirectories { get; init; } = MachineSharedDirectories;

    /// <summary>This machine's shared temporary directories, the default of <see cref="SharedDirectories"/>.</summary>
    public static IReadOnlyList<string> MachineSharedDirectories { get; } =
        new[] { "/tmp", "/var/tmp", "/dev/shm", Path.TrimEndingDirectorySeparator(Path.GetTempPath()) }.Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// A context for reading a line without a machine to judge it against (tests of the grammar): the root
    /// directory, no home, the usual system <c>PATH</c>, nothing writable, credentials not hidden.
    /// </summary>
    public static AnalysisContext Detached { get; } =
        new("/", null, "/usr/local/bin:/usr/bin:/bin", [], CredentialList.For(null), CredentialsHidden: false);
}
