using System.IO.Enumeration;

namespace AgentExec.Core.Credentials;

/// <summary>
/// Finds the files and folders named like credentials (<c>.env</c>, <c>*.pem</c>, <c>id_*</c>…) under the workspace
/// and the writable roots, so that bubblewrap can hide each one (SPEC.md "Sandbox": credentials stay unreadable), and
/// in the same walk every <c>.git</c> entry (a nested repository), so that bubblewrap keeps each one read-only and the
/// repository watch can compare them after a run.
/// </summary>
/// <remarks>
/// <para>
/// Breadth-first, nearest first, bounded: at most <see cref="MaxEntries"/> directory entries,
/// <see cref="MaxDepth"/> levels and <see cref="MaxFound"/> matches. Past a bound the scan stops and says so; what it
/// found is still hidden. Refusing to run instead would leave the user only Landlock or no sandbox, which hide nothing
/// at all (docs/credentials.md, "The scan"). The bounds on matches and repositories are the exception
/// (<see cref="CredentialScanResult.StoppedByNamesAlone"/>): a command reaches them by creating a few thousand empty
/// names nearest the root, so bubblewrap refuses to run past them.
/// </para>
/// <para>
/// Symbolic links are not followed (a link named like a credential is reported, and the mount plan hides its
/// target); <c>.git</c> entries are collected (at most <see cref="MaxRepositories"/>) and not entered, since git's own files (a branch named <c>id_fix</c>) must keep
/// working and no credential lives there; a matching folder is reported whole and not entered.
/// </para>
/// </remarks>
internal static class CredentialScan
{
    /// <summary>The most directory entries one scan reads (about a quarter of a second on a warm cache).</summary>
    public const int MaxEntries = 200_000;

    /// <summary>The deepest level below a root that is read.</summary>
    public const int MaxDepth = 40;

    /// <summary>The most matches reported, which keeps bubblewrap's command line well below the kernel's limit.</summary>
    public const int MaxFound = 2_000;

    /// <summary>The most <c>.git</c> entries reported; each becomes up to three read-only binds on bubblewrap's command line.</summary>
    public const int MaxRepositories = 500;

    private const string GitName = ".git";

    // The entry that makes git consider a directory a git directory of its own (setup.c, is_git_directory).
    private const string HeadName = "HEAD";

    private static readonly EnumerationOptions Options = new()
    {
        AttributesToSkip = 0,
        // A directory the walk cannot list is recorded, not passed over: a command that owns it can still open the
        // names inside (mode 111) or give itself the right back (chmod), and an attack hid a .env and a submodule's
        // .git from the scan that way.
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>Scans <paramref name="roots"/> (absolute, resolved) for <paramref name="list"/>'s name entries.</summary>
    public static CredentialScanResult Run(CredentialList list, IEnumerable<string> roots, int maxEntries = MaxEntries, int maxDepth = MaxDepth, int maxFound = MaxFound)
    {
        ArgumentNullException.ThrowIfNull(list);
        return Run(list.IsCredentialName, roots, maxEntries, maxDepth, maxFound);
    }

    /// <summary>Scans <paramref name="roots"/> (absolute, resolved) for the names <paramref name="isCredentialName"/> accepts, and for <c>.git</c> entries.</summary>
    public static CredentialScanResult Run(Func<string, bool> isCredentialName, IEnumerable<string> roots, int maxEntries = MaxEntries, int maxDepth = MaxDepth, int maxFound = MaxFound)
    {
        ArgumentNullException.ThrowIfNull(isCredentialName);
        ArgumentNullException.ThrowIfNull(roots);
        var distinct = new List<string>();
        foreach (var root in roots.Select(LexicalPath.Normalize).Distinct(StringComparer.Ordinal).OrderBy(root => root.Length))
        {
            if (!distinct.Any(outer => Configuration.RealPath.IsSameOrInside(root, outer)))
            {
                distinct.Add(root);
            }
        }

        var found = new List<string>();
        var repositories = new List<string>();
        var gitDirectories = new List<string>();
        var unlisted = new List<string>();
        var directoryLinks = new List<string>();
        var pending = new Queue<(string Directory, int Depth)>(distinct.Select(root => (root, 0)));
        var read = 0;
        while (pending.TryDequeue(out var current))
        {
            IEnumerable<(string Name, bool IsDirectory, bool IsLinkToDirectory)> entries;
            try
            {
                // IsDirectory is true for a link to a directory too (.NET follows a link to tell).
                entries = new FileSystemEnumerable<(string, bool, bool)>(
                    current.Directory,
                    (ref FileSystemEntry entry) => (entry.FileName.ToString(), entry.IsDirectory && (entry.Attributes & FileAttributes.ReparsePoint) == 0, entry.IsDirectory && (entry.Attributes & FileAttributes.ReparsePoint) != 0),
                    Options);
            }
            catch (UnauthorizedAccessException)
            {
                // The enumerable opens the directory as it is made.
                unlisted.Add(current.Directory);
                continue;
            }
            catch (IOException)
            {
                continue;
            }

            try
            {
                foreach (var (name, isDirectory, isLinkToDirectory) in entries)
                {
                    if (++read > maxEntries)
                    {
                        return new CredentialScanResult(found, read - 1, $"stopped after {maxEntries} entries, in {current.Directory}") { Repositories = repositories, GitDirectories = gitDirectories, Unlisted = unlisted, DirectoryLinks = directoryLinks };
                    }

                    var path = Path.Join(current.Directory, name);
                    if (name == HeadName)
                    {
                        // git takes a directory holding HEAD (with objects/ and refs/, or a commondir file) for a git
                        // directory itself, a bare repository (core.worktree gives it a work tree): git -C that-directory
                        // status reads its config and runs core.fsmonitor. Strict: every such directory is recorded.
                        gitDirectories.Add(current.Directory);
                        if (repositories.Count + gitDirectories.Count >= MaxRepositories)
                        {
                            return new CredentialScanResult(found, read, $"stopped after {MaxRepositories} repositories, in {current.Directory}") { Repositories = repositories, GitDirectories = gitDirectories, Unlisted = unlisted, DirectoryLinks = directoryLinks, StoppedByNamesAlone = true };
                        }
                    }

                    if (name == GitName)
                    {
                        // A directory, a gitfile or a link: whatever git would follow from here; never entered.
                        repositories.Add(path);
                        if (repositories.Count + gitDirectories.Count >= MaxRepositories)
                        {
                            return new CredentialScanResult(found, read, $"stopped after {MaxRepositories} repositories, in {current.Directory}") { Repositories = repositories, GitDirectories = gitDirectories, Unlisted = unlisted, DirectoryLinks = directoryLinks, StoppedByNamesAlone = true };
                        }
                    }
                    else if (isCredentialName(name))
                    {
                        found.Add(path);
                        if (found.Count >= maxFound)
                        {
                            return new CredentialScanResult(found, read, $"stopped after {maxFound} matches, in {current.Directory}") { Repositories = repositories, GitDirectories = gitDirectories, Unlisted = unlisted, DirectoryLinks = directoryLinks, StoppedByNamesAlone = true };
                        }
                    }
                    else if (isLinkToDirectory)
                    {
                        directoryLinks.Add(path);
                    }
                    else if (isDirectory)
                    {
                        if (current.Depth + 1 > maxDepth)
                        {
                            return new CredentialScanResult(found, read, $"stopped at {maxDepth} levels deep, at {path}") { Repositories = repositories, GitDirectories = gitDirectories, Unlisted = unlisted, DirectoryLinks = directoryLinks };
                        }

                        pending.Enqueue((path, current.Depth + 1));
                    }
                }
            }
            catch (UnauthorizedAccessException)
            {
                unlisted.Add(current.Directory);
            }
            catch (IOException)
            {
                // A directory that vanished mid-scan (a command running beside this one): nothing is there to see.
            }
        }

        return new CredentialScanResult(found, read, null) { Repositories = repositories, GitDirectories = gitDirectories, Unlisted = unlisted, DirectoryLinks = directoryLinks };
    }
}
