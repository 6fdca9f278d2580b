using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;

namespace AgentExec.Core.Commands;

/// <summary>
/// Proves that no file git opens by itself while it inspects a work tree is a FIFO or a socket, which git would wait on
/// without end (SPEC.md "Policy", step 3a: a known-safe line ends).
/// </summary>
/// <remarks>
/// <para>
/// git opens these without being told to: <c>.gitignore</c> in every directory it walks (<c>git status</c>,
/// <c>git ls-files -o --exclude-standard</c>), <c>.gitattributes</c> in every directory whose paths it diffs, greps or
/// blames (<c>git diff</c>, <c>git log -p</c>, <c>git show</c>, <c>git grep</c>, <c>git blame</c>), <c>.mailmap</c> at the
/// top (<c>git log</c>, <c>git show</c>, <c>git shortlog</c>, <c>git blame</c>: <c>log.mailmap</c> is on by default), and
/// <c>.gitmodules</c>. With any of them a FIFO, each of those commands hung until the call's timeout (git 2.39). A FIFO
/// named on the line is the proof's own look (<see cref="KnownSafeProof"/>); these are the ones the line does not name.
/// The configuration keys that name such files (<c>core.excludesFile</c>, <c>core.attributesFile</c>,
/// <c>mailmap.file</c>, <c>blame.ignoreRevsFile</c>) are refused by the repository check already.
/// </para>
/// <para>
/// The walk reads entry types from <c>readdir</c> (<c>d_type</c>), enters no link (git walks a work tree without
/// following links to directories) and skips every <c>.git</c> entry (git directories are <see cref="GitDirectoryLinks"/>'
/// walk). A link with one of those names counts when it leads to a FIFO or a socket: git 2.32 and later open the
/// in-tree files without following a link, older ones follow it. Past <see cref="MaximumEntries"/> entries the work tree
/// is not proven.
/// </para>
/// </remarks>
internal static class GitWorkTreeFiles
{
    /// <summary>The most entries one work tree may hold for the walk; past it the work tree is not proven.</summary>
    public const int MaximumEntries = 500_000;

    // The files git opens in a work tree by itself (in every directory, for the first two).
    private static readonly HashSet<string> OpenedNames = new(StringComparer.Ordinal) { ".gitignore", ".gitattributes", ".mailmap", ".gitmodules" };

    /// <summary>
    /// Null when no file git opens by itself below <paramref name="workTree"/> (absolute) is a FIFO or a socket;
    /// otherwise the reason, naming <paramref name="name"/> (<c>the repository</c>).
    /// </summary>
    public static string? Refute(string workTree, string name, LinkResolver links)
    {
        ArgumentNullException.ThrowIfNull(links);
        var pending = new Stack<string>();
        pending.Push(workTree);
        var read = 0;
        while (pending.TryPop(out var directory))
        {
            var entries = UnixDirectoryListing.List(directory);
            if (entries is null)
            {
                // A directory this process cannot list (another user's, mode 0711) git cannot walk either, but it can still
                // open a file in it by name: those are looked up one by one (a directory that cannot be searched yields
                // nothing, to git as to the look-up).
                var unlisted = OpenedNames.Select(opened => Path.Join(directory, opened)).FirstOrDefault(links.IsFifoOrSocket);
                if (unlisted is not null)
                {
                    return Waits(name, $"work tree file {Path.GetRelativePath(workTree, unlisted)}");
                }

                continue;
            }

            foreach (var (entryName, type) in entries)
            {
                if (++read > MaximumEntries)
                {
                    return $"{name}'s work tree ({workTree}) holds more than {MaximumEntries} entries, too many to prove that git opens no FIFO in it";
                }

                if (entryName == ".git")
                {
                    continue;
                }

                var path = Path.Join(directory, entryName);
                var kind = type == UnixDirectoryListing.UnknownType ? TypeOf(path) : type;
                if (kind == UnixDirectoryListing.DirectoryType)
                {
                    pending.Push(path);
                    continue;
                }

                if (!OpenedNames.Contains(entryName) || kind == UnixDirectoryListing.RegularFileType)
                {
                    continue;
                }

                if (kind != UnixDirectoryListing.LinkType || links.IsFifoOrSocket(path))
                {
                    return Waits(name, $"work tree file {Path.GetRelativePath(workTree, path)}");
                }
            }
        }

        return null;
    }

    private static string Waits(string name, string what) =>
        $"{name}'s {what} is a FIFO or a socket, which git opens by itself and would wait on for a writer that may never come";

    private static byte TypeOf(string path)
    {
        try
        {
            var status = UnixFileStatus.OfPath(path);
            return status.IsDirectory ? UnixDirectoryListing.DirectoryType
                : status.IsRegularFile ? UnixDirectoryListing.RegularFileType
                : status.IsSymbolicLink ? UnixDirectoryListing.LinkType
                : UnixDirectoryListing.UnknownType;
        }
        catch (IOException)
        {
            return UnixDirectoryListing.UnknownType;
        }
    }
}
