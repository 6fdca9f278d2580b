using System.Diagnostics.CodeAnalysis;
using System.Text;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Credentials;

/// <summary>
/// Resolves symbolic links in absolute paths with the answers of <see cref="RealPath.TryResolve"/>, and remembers every
/// answer the file system gave for as long as it lives: one command-line analysis, never longer.
/// </summary>
/// <remarks>
/// <para>
/// The known-safe proof resolves every path spelling of every argument, each of them below the same working directory:
/// <c>realpath(3)</c> asks the kernel about every component of every path again (glibc calls <c>readlink</c> once per
/// component), and a path that does not exist was then walked a second time in managed code with a <c>readlink</c> and a
/// <c>stat</c> per component. Here each directory prefix is asked once per analysis, with one <c>readlink(2)</c>, whose
/// answer says all three things the walk needs: a link (and its target), an entry that is not a link (<c>EINVAL</c>), or
/// nothing there (<c>ENOENT</c>, <c>ENOTDIR</c>); any other error makes the path unresolvable (<see cref="LinkEntry"/>,
/// which <see cref="RealPath"/>'s walk reads with too).
/// </para>
/// <para>
/// Why the answers equal <see cref="RealPath.TryResolve"/>'s: its managed walk is this walk (the same order, the same
/// 40-link limit, <c>..</c> applied to the resolved prefix, a missing tail kept as written); and where <c>realpath(3)</c>
/// succeeds first, glibc's algorithm is that walk too (a <c>readlink</c> per component, <c>..</c> on the resolved prefix),
/// so it returns the same string, with every component present.
/// </para>
/// <para>
/// Remembering is safe only within one analysis: the agent may change the workspace between two command lines, so an
/// instance must never outlive the call it was made for.
/// </para>
/// </remarks>
internal sealed class LinkResolver
{
    // What readlink(2) said about one absolute path whose directories are already resolved: its target when it is a
    // link, else whether it exists.
    private readonly Dictionary<string, (string? Target, bool Exists)> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (bool Resolved, string? RealPath, bool Exists)> _paths = new(StringComparer.Ordinal);

    // Paths that an answered LinkFreeLookup showed to be their own real path: a path the kernel walked without meeting a
    // link, and every directory on the way, is either there and not a link, or missing (kept as written).
    private readonly HashSet<string> _linkFreePrefixes = new(StringComparer.Ordinal);

    // What File.Exists says of a path a statx(2) look-up answered (it tells a directory from a file).
    private readonly Dictionary<string, bool> _fileExists = new(StringComparer.Ordinal);

    // Whether a real path (no link in it) is a FIFO or a socket: from the statx(2) look-up that answered it, or asked once.
    private readonly Dictionary<string, bool> _streams = new(StringComparer.Ordinal);

    /// <summary>Resolves every symbolic link in an absolute path; a tail that does not exist is kept as written (see <see cref="RealPath.TryResolve"/>).</summary>
    /// <param name="absolutePath">An absolute path; <c>.</c> and <c>..</c> are allowed and applied after resolving.</param>
    /// <param name="realPath">The resolved path, normalised, without a trailing separator.</param>
    /// <param name="exists">Whether the whole path exists.</param>
    /// <returns>
    /// False when the path is not absolute, has too many links, cannot be inspected, or follows a link in <c>/proc</c>
    /// (<c>/proc/self</c>, <c>/proc/1234/cwd</c>, <c>/dev/fd/3</c> through <c>/proc/self/fd</c>): where such a link leads
    /// depends on the process that follows it, so what it leads to here says nothing of what the command will reach.
    /// This is where the analysis' answers differ from <see cref="RealPath.TryResolve"/>'s, which resolves it for this process.
    /// </returns>
    public bool TryResolve(string absolutePath, [NotNullWhen(true)] out string? realPath, out bool exists)
    {
        ArgumentNullException.ThrowIfNull(absolutePath);
        if (!OperatingSystem.IsLinux() || !RealPath.IsAskable(absolutePath))
        {
            // Not the case this walk was written for (a relative path, a NUL, a lone surrogate): the original answers,
            // unremembered.
            return RealPath.TryResolve(absolutePath, out realPath, out exists);
        }

        if (!_paths.TryGetValue(absolutePath, out var answer))
        {
            answer = Look(absolutePath);
            _paths[absolutePath] = answer;
        }

        realPath = answer.RealPath;
        exists = answer.Exists;
        return answer.Resolved;
    }

    /// <summary>
    /// True when <paramref name="absolutePath"/> lies in <c>/proc</c>, resolves into it, or cannot be resolved (which
    /// includes every path that follows a link in <c>/proc</c>: see <see cref="TryResolve"/>).
    /// </summary>
    /// <remarks>
    /// For a caller that must know what another process will read there: inside bubblewrap <c>/proc</c> is another pid
    /// namespace's, so even <c>/proc/1234/environ</c> names another process's file in the command.
    /// </remarks>
    public bool EntersProcessFiles(string absolutePath)
    {
        ArgumentNullException.ThrowIfNull(absolutePath);
        return !TryResolve(absolutePath, out var real, out _) || IsInProc(absolutePath) || IsInProc(real);
    }

    private static bool IsInProc(string path) => path == "/proc" || path.StartsWith("/proc/", StringComparison.Ordinal);

    /// <summary>True when <paramref name="path"/> is known, in this analysis, to be walked without meeting a link (the root always is).</summary>
    public bool IsKnownLinkFree(ReadOnlySpan<char> path) =>
        path is "/" || _linkFreePrefixes.GetAlternateLookup<ReadOnlySpan<char>>().Contains(path);

    /// <summary>
    /// What <see cref="File.Exists(string)"/> says of <paramref name="path"/>, when a look-up of this instance already
    /// learnt it (a path asked with <see cref="LinkFreeLookup.AskBelowLinkFreeDirectory"/>, which tells a directory from
    /// anything else); null when it did not.
    /// </summary>
    public bool? FileExistsIfKnown(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return _fileExists.TryGetValue(path, out var known) ? known : null;
    }

    /// <summary>
    /// True when <paramref name="absolutePath"/>, its links followed, is a FIFO or a socket; false when it is anything
    /// else, is missing, or cannot be resolved (the credential check counts such a path as a credential already).
    /// </summary>
    /// <remarks>
    /// The path's resolution is this instance's (usually the credential check's, already made); its type comes from the
    /// <c>statx(2)</c> that resolved it when there was one, else from one <c>statx(2)</c> of the real path, remembered.
    /// A file that cannot be examined although it exists counts as one.
    /// </remarks>
    public bool IsFifoOrSocket(string absolutePath)
    {
        ArgumentNullException.ThrowIfNull(absolutePath);
        if (!TryResolve(absolutePath, out var real, out var exists) || !exists)
        {
            return false;
        }

        if (!_streams.TryGetValue(real, out var stream))
        {
            try
            {
                stream = UnixFileStatus.OfPath(real).IsFifoOrSocket;
            }
            catch (IOException)
            {
                stream = true;
            }

            _streams[real] = stream;
        }

        return stream;
    }

    private (bool Resolved, string? RealPath, bool Exists) Look(string absolutePath)
    {
        if (!LinkFreeLookup.IsCanonical(absolutePath))
        {
            // The walk skips empty and "." components, so without a ".." the path is walked exactly as its canonical
            // spelling is (same components, same order), which the one-call look-ups can answer: "/w/." and "/w/src/"
            // need not cost a readlink(2) per component.
            // (Only an askable path gets here: TryResolve hands the rest to RealPath.)
            return CanonicalWithoutParentSteps(absolutePath) is { } canonical
                ? TryResolve(canonical, out var canonicalReal, out var canonicalExists) ? (true, canonicalReal, canonicalExists) : (false, null, false)
                : Walk(absolutePath);
        }

        var linkFree = LinkFreeLookup.Answer.Unanswered;
        var parentEnd = absolutePath.LastIndexOf('/');
        if (parentEnd == 0 || _linkFreePrefixes.GetAlternateLookup<ReadOnlySpan<char>>().Contains(absolutePath.AsSpan(0, parentEnd)))
        {
            // The directory is already known to be walked without a link (the root always is): one statx(2) of the last
            // component says what openat2(2) would, and no descriptor needs closing.
            linkFree = LinkFreeLookup.AskBelowLinkFreeDirectory(absolutePath, out var status);
            switch (linkFree)
            {
                case LinkFreeLookup.Answer.ExistsWithoutLinks:
                    // File.Exists: false for a directory, true for anything else (no link here).
                    _fileExists[absolutePath] = !status.IsDirectory;
                    _streams[absolutePath] = status.IsFifoOrSocket;
                    break;
                case LinkFreeLookup.Answer.MissingWithoutLinks:
                    // What readlink(2) would say of it too: the directory is resolved, so both look at the same entry.
                    _fileExists[absolutePath] = false;
                    _entries.TryAdd(absolutePath, (null, false));
                    break;
                case LinkFreeLookup.Answer.EndsInLink:
                    // openat2(2) would stop at that link: the walk reads it, and the directories before it are known.
                    return Walk(absolutePath);
            }
        }
        else if (PassesKnownLink(absolutePath, parentEnd))
        {
            // A directory on the way is a link this analysis already read (/bin, once /bin/ls was asked): openat2(2)
            // would stop at it, and the walk needs no system call for what it already read.
            return Walk(absolutePath);
        }

        if (linkFree == LinkFreeLookup.Answer.Unanswered)
        {
            linkFree = LinkFreeLookup.Ask(absolutePath);
        }

        if (linkFree == LinkFreeLookup.Answer.Unanswered)
        {
            return Walk(absolutePath);
        }

        // One system call instead of one per component: the common case of a path without links.
        RememberLinkFreePath(absolutePath);
        if (linkFree == LinkFreeLookup.Answer.ExistsWithoutLinks)
        {
            RememberExistingEntries(absolutePath);
        }

        return (true, absolutePath, linkFree == LinkFreeLookup.Answer.ExistsWithoutLinks);
    }

    // True when a directory before the end of the canonical path is a link an earlier walk of this analysis read.
    private bool PassesKnownLink(string canonicalPath, int parentEnd)
    {
        var entries = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var end = parentEnd; end > 0; end = canonicalPath.LastIndexOf('/', end - 1))
        {
            if (entries.TryGetValue(canonicalPath.AsSpan(0, end), out var entry) && entry.Target is not null)
            {
                return true;
            }
        }

        return false;
    }

    // A canonical path that exists and was walked without a link: it and every directory on the way are entries that are
    // there and are not links, which is what readlink(2) would say of each; the walk of a later path through a link
    // (/bin/ls, /bin being usr/bin) then reads only the link.
    private void RememberExistingEntries(string canonicalPath)
    {
        for (var end = canonicalPath.Length; end > 0; end = canonicalPath.LastIndexOf('/', end - 1))
        {
            var prefix = canonicalPath[..end];
            if (_entries.TryGetValue(prefix, out var known))
            {
                if (known == (null, true))
                {
                    // Remembered with its own directories (here or by a walk, which reads every one).
                    return;
                }

                // The first answer of this analysis stands (the disk changed in between, or a race).
                continue;
            }

            _entries[prefix] = (null, true);
        }
    }

    // The canonical spelling of an absolute path that has no ".." component ("/w/./a//b/" is "/w/a/b"); null for a
    // path with a ".." (the walk applies it to the resolved prefix), for a relative one, and for the root itself.
    private static string? CanonicalWithoutParentSteps(string path)
    {
        if (path.Length == 0 || path[0] != '/' || path.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var builder = new StringBuilder(path.Length);
        foreach (var range in path.AsSpan().Split('/'))
        {
            var component = path.AsSpan(range);
            if (component.Length == 0 || component is ".")
            {
                continue;
            }

            if (component is "..")
            {
                return null;
            }

            builder.Append('/').Append(component);
        }

        return builder.Length == 0 ? null : builder.ToString();
    }

    /// <summary>
    /// The real path of <paramref name="absolutePath"/> when only the path matters, not whether it exists: answered
    /// without a system call for a directory that an earlier look-up of a longer path already walked without meeting a
    /// link, else as <see cref="TryResolve"/> answers.
    /// </summary>
    /// <returns>False when the path cannot be resolved (see <see cref="TryResolve"/>).</returns>
    public bool TryRealPath(string absolutePath, [NotNullWhen(true)] out string? realPath)
    {
        ArgumentNullException.ThrowIfNull(absolutePath);
        if (_linkFreePrefixes.Contains(absolutePath))
        {
            realPath = absolutePath;
            return true;
        }

        return TryResolve(absolutePath, out realPath, out _);
    }

    // The path and every directory on the way to it: each is walked without a link (or is missing, kept as written).
    private void RememberLinkFreePath(string canonicalPath)
    {
        for (var end = canonicalPath.Length; end > 0; end = canonicalPath.LastIndexOf('/', end - 1))
        {
            if (!_linkFreePrefixes.Add(canonicalPath[..end]))
            {
                // Its own prefixes were added with it.
                return;
            }
        }
    }

    private (bool Resolved, string? RealPath, bool Exists) Walk(string absolutePath)
    {
        var pending = new Stack<string>();
        PushComponents(pending, absolutePath);

        // The path's own components lie below the targets of the links pushed on top of them: a component popped with
        // fewer entries left than this is one of the path's own.
        var ownBelow = pending.Count;

        // Whether the entry the path's last component names is missing (the entry itself, not what a link there points to).
        var lastEntryMissing = false;

        // The resolved directories so far, "" for the root; each component appended as "/name".
        var resolved = string.Empty;
        var linksFollowed = 0;
        var allExist = true;
        while (pending.TryPop(out var component))
        {
            var isLastOwn = pending.Count == 0 && pending.Count < ownBelow;
            ownBelow = Math.Min(ownBelow, pending.Count);
            if (component.Length == 0 || component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                resolved = resolved[..Math.Max(resolved.LastIndexOf('/'), 0)];
                continue;
            }

            var candidate = resolved + "/" + component;
            if (!allExist)
            {
                resolved = candidate;
                lastEntryMissing = isLastOwn;
                continue;
            }

            var (target, present) = Entry(candidate);
            if (ReferenceEquals(target, LinkEntry.Unknowable.Target))
            {
                // Not "missing": EACCES, ENAMETOOLONG (a resolved prefix past PATH_MAX that the kernel still follows
                // link by link), EIO, or a target that is not UTF-8. Keeping the rest as written would skip its links.
                return (false, null, false);
            }

            if (target is not null)
            {
                if (IsInProc(candidate))
                {
                    // A link in /proc (self, thread-self, a process's cwd, root, exe or fd/N) points wherever the process
                    // that follows it stands: here this process, in the command the command's own (in another pid
                    // namespace under bubblewrap). No answer read here would be the command's, so none is given.
                    return (false, null, false);
                }

                if (++linksFollowed > RealPath.MaxSymbolicLinks)
                {
                    return (false, null, false);
                }

                if (Path.IsPathFullyQualified(target))
                {
                    resolved = string.Empty;
                }

                // A relative target is relative to the link's directory, which is what `resolved` holds now.
                PushComponents(pending, target);
                continue;
            }

            allExist = present;
            lastEntryMissing = isLastOwn && !present;
            resolved = candidate;
        }

        if (lastEntryMissing && LinkFreeLookup.IsCanonical(absolutePath))
        {
            // lstat(2), and so File.Exists, finds nothing there: its directory resolves as walked, and the entry is missing.
            _fileExists[absolutePath] = false;
        }

        return (true, resolved.Length == 0 ? "/" : resolved, allExist);
    }

    private (string? Target, bool Exists) Entry(string path)
    {
        if (!_entries.TryGetValue(path, out var entry))
        {
            entry = LinkEntry.Read(path);
            _entries[path] = entry;
        }

        return entry;
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        var components = path.Split('/');
        for (var i = components.Length - 1; i >= 0; i--)
        {
            pending.Push(components[i]);
        }
    }
}
