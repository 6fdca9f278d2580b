using System.IO.Enumeration;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Credentials;

/// <summary>
/// The other names, under the writable directories, of credential files that have more than one (hard links), so that
/// bubblewrap hides each name and not only the one the credential list matches.
/// </summary>
/// <remarks>
/// A hard link is the same file under a name the list does not match. An attack made <c>api/.env.local</c> empty
/// with a second name <c>api/README.notes</c>; the human's tool later wrote the secrets into <c>.env.local</c> in place
/// (<c>vercel env pull</c>, an editor that keeps links), and the next sandboxed command read them through the other
/// name. Only needed when such a file exists, so the walk (a <c>statx</c> per regular file) costs nothing otherwise.
/// Same bounds as <see cref="CredentialScan"/> (entries, depth, names found); past them the names found are hidden and
/// the result says why it stopped.
/// </remarks>
internal static class HardLinkNames
{
    private static readonly EnumerationOptions Options = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>Every entry under <paramref name="roots"/> (real paths) that is a name of one of <paramref name="files"/>.</summary>
    /// <param name="files">The identities (device, inode) of the files whose names are wanted.</param>
    /// <param name="roots">Where to look: the workspace and the writable roots, resolved.</param>
    /// <param name="incomplete">Why the walk stopped before seeing everything, or null.</param>
    public static IReadOnlyList<string> Find(IReadOnlySet<(ulong Device, ulong Inode)> files, IReadOnlyList<string> roots, out string? incomplete)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(roots);
        incomplete = null;
        var names = new List<string>();
        var pending = new Queue<(string Directory, int Depth)>(roots.Select(root => (root, 0)));
        var read = 0;
        while (pending.TryDequeue(out var current))
        {
            try
            {
                // Links are neither followed nor examined: a link is not a name of the file, and reading through it is
                // the analyzer's and the mount plan's own concern.
                var entries = new FileSystemEnumerable<(string Path, bool IsDirectory, bool IsLink)>(
                    current.Directory,
                    (ref FileSystemEntry entry) => (entry.ToFullPath(), entry.IsDirectory, (entry.Attributes & FileAttributes.ReparsePoint) != 0),
                    Options);
                foreach (var (path, isDirectory, isLink) in entries)
                {
                    if (++read > CredentialScan.MaxEntries)
                    {
                        incomplete = $"stopped looking for other names (hard links) of credential files after {CredentialScan.MaxEntries} entries, in {current.Directory}";
                        return names;
                    }

                    if (isLink)
                    {
                        continue;
                    }

                    if (isDirectory)
                    {
                        if (current.Depth + 1 > CredentialScan.MaxDepth)
                        {
                            incomplete = $"stopped looking for other names (hard links) of credential files at {CredentialScan.MaxDepth} levels deep, at {path}";
                            return names;
                        }

                        pending.Enqueue((path, current.Depth + 1));
                        continue;
                    }

                    try
                    {
                        var status = UnixFileStatus.OfPath(path);
                        if (status.IsRegularFile && status.LinkCount > 1 && status.Identity is { } identity && files.Contains(identity))
                        {
                            names.Add(path);
                            if (names.Count >= CredentialScan.MaxFound)
                            {
                                // Each is a mount on bubblewrap's command line, which the kernel bounds.
                                incomplete = $"stopped after {CredentialScan.MaxFound} other names (hard links) of credential files, in {current.Directory}";
                                return names;
                            }
                        }
                    }
                    catch (IOException)
                    {
                        // Gone since it was listed: no name left to hide.
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A directory that vanished or cannot be listed: the credential scan refuses the run for one a command
                // could reach into (UnlistedDirectories).
            }
        }

        return names;
    }
}
