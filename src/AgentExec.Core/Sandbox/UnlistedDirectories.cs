using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// Which of the directories a scan of the writable roots could not list a sandboxed command could still reach into
/// (<see cref="Credentials.CredentialScanResult.Unlisted"/>).
/// </summary>
/// <remarks>
/// A directory the walk cannot list hides whatever is below it from the credential hiding and the repository watch. A
/// command can use one anyway when it is the user's own (mode <c>111</c> still opens names inside; any mode can be
/// changed back by its owner, since the writable roots are mounted writable) or when it grants a search right to
/// someone other than its owner (the group or others: the user may be either). What is left is another user's
/// directory that lets no one else in — a container's data directory — which no command of this user can enter or
/// change, so the walk loses nothing there. So is a directory that no one may search and that the sandbox binds
/// read-only, so that its mode cannot be changed: a placeholder (mode <c>000</c>) is one.
/// </remarks>
internal static class UnlistedDirectories
{
    private const int SearchByGroupOrOthers = 0x9; // 0o011
    private const int SearchByAnyone = 0x49; // 0o111

    /// <summary>The first of <paramref name="unlisted"/> a command could reach into, or null.</summary>
    /// <param name="unlisted">The directories a walk could not list.</param>
    /// <param name="readOnlyPaths">What the sandbox binds read-only for the run (empty: nothing, as under Landlock).</param>
    public static string? FirstReachable(IEnumerable<string> unlisted, IReadOnlyList<string> readOnlyPaths)
    {
        ArgumentNullException.ThrowIfNull(unlisted);
        ArgumentNullException.ThrowIfNull(readOnlyPaths);
        return unlisted.FirstOrDefault(directory => IsReachable(directory, readOnlyPaths));
    }

    /// <summary>
    /// True for a directory inside <paramref name="readOnlyPaths"/> whose mode lets no one search it (a placeholder): it
    /// holds nothing a command could open, and the command cannot change that for the run.
    /// </summary>
    public static bool IsSealed(string directory, IReadOnlyList<string> readOnlyPaths)
    {
        ArgumentNullException.ThrowIfNull(readOnlyPaths);
        if (!OperatingSystem.IsLinux() || !readOnlyPaths.Any(path => RealPath.IsSameOrInside(directory, path)))
        {
            return false;
        }

        try
        {
            return (UnixFileStatus.OfPath(directory).Permissions & SearchByAnyone) == 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Why a sandboxed command cannot run while <paramref name="directory"/> stands unlisted, and the fix.</summary>
    public static string Refusal(string directory) =>
        $"{directory} cannot be listed, so the sandbox cannot see what is in it (credentials to hide, a nested .git to keep read-only), "
        + $"while a command could still reach into it; make it readable (chmod u+rx '{directory}') or remove it to run commands in the workspace-write sandbox";

    private static bool IsReachable(string directory, IReadOnlyList<string> readOnlyPaths)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        try
        {
            if (IsSealed(directory, readOnlyPaths))
            {
                return false;
            }

            var status = UnixFileStatus.OfPath(directory);
            return status.Owner == Libc.GetEffectiveUserId() || (status.Permissions & SearchByGroupOrOthers) != 0;
        }
#pragma warning disable CA1031 // A directory whose owner and mode cannot be read is taken for one a command can reach.
        catch (Exception)
#pragma warning restore CA1031
        {
            return true;
        }
    }
}
