using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;

namespace AgentExec.Core.Commands;

/// <summary>
/// Proves that a git directory holds nothing but files and directories where git reads its state (SPEC.md "Policy",
/// step 3a): each directory walked once per analysis.
/// </summary>
/// <remarks>
/// <para>
/// git opens its state files through links and quotes what it reads: with <c>.git/BISECT_START</c> a link to a key,
/// <c>git status</c> printed "You are currently bisecting, started from branch '&lt;the key&gt;'", and
/// <c>packed-refs</c>, <c>shallow</c> and <c>info/grafts</c> came back in git's own error messages (found by an attack,
/// under <c>danger-full-access</c>, where no sandbox hides the key). Rather than list the files git reads (refs, logs,
/// <c>rebase-merge/*</c>, <c>sequencer/*</c>, <c>MERGE_*</c>, <c>objects/info/alternates</c>, and whatever a later git
/// adds), every entry must be a regular file or a directory, read from the entry type <c>readdir</c> returns
/// (<c>d_type</c>): no status call per file.
/// </para>
/// <para>
/// Not walked: loose objects (<c>objects/XX/</c>), binary and content-addressed, which git inflates and checks and
/// quotes nothing of; <c>hooks/</c>, programs that inspection never prints
/// and that <see cref="GitConfigInspection"/> judges as programs where inspection can run one (a linked
/// <c>pre-commit</c> hook is a common set-up); <c>modules/</c>, whose repositories are walked as repositories of their
/// own, from their own top, so that their objects are skipped by the same rule. <c>objects/info/</c> and
/// <c>objects/pack/</c> are walked: git quotes the first bytes of a <c>multi-pack-index</c> whose signature it does not
/// know ("multi-pack-index signature 0x2d2d2d2d does not match", the start of a key it was a link to).
/// </para>
/// <para>
/// The object directories <c>objects/info/alternates</c> names lie outside the git directory, and git reads each one's
/// own <c>info/alternates</c> in turn, through links, quoting every line that names no directory: "object directory
/// &lt;line&gt; does not exist" (an alternate in the workspace whose <c>info/alternates</c> was a link to
/// <c>~/.netrc</c> made <c>git log</c> print it, found by an attack). So each alternate's <c>info/</c> is walked like
/// <c>objects/info/</c>, and its alternates after it, as git follows them (<see cref="WalkAlternates"/>).
/// </para>
/// <para>
/// Hard links are out of scope: a hard link to a credential is the same file under another name, which the credential
/// check does not recognise for any reader (docs/credentials.md, "Limits").
/// </para>
/// </remarks>
internal sealed class GitDirectoryLinks
{
    /// <summary>The most entries one git directory may hold for the walk; past it the directory is not proven.</summary>
    public const int MaximumEntries = 20_000;

    /// <summary>git's own limit on alternates of alternates: those listed at a deeper level are ignored.</summary>
    public const int MaximumAlternateDepth = 5;

    /// <summary>More alternate object directories than this are not followed; the repository is then not proven.</summary>
    public const int MaximumAlternates = 64;

    // An alternates file holds one path a line; anything longer is not one git wrote.
    private const int MaximumAlternatesBytes = 64 * 1024;

    private readonly Dictionary<string, string?> _answers = new(StringComparer.Ordinal);

    // The real paths of the alternate object directories every walk of this analysis followed.
    private readonly HashSet<string> _alternates = new(StringComparer.Ordinal);

    /// <summary>
    /// The alternate object directories (real paths) that the git directories walked so far borrow objects from: git
    /// prints their objects as its own (<c>git cat-file -p</c>, <c>git show</c> of an id or a short prefix of one).
    /// </summary>
    public IReadOnlyCollection<string> Alternates => _alternates;

    // The git directories (and common directories) walked in this analysis.
    private readonly HashSet<string> _gitDirectories = new(StringComparer.Ordinal);

    /// <summary>
    /// The git and common directories walked so far (real paths): git prints their objects, refs and history, wherever
    /// a <c>.git</c> file or <c>commondir</c> put them.
    /// </summary>
    public IReadOnlyCollection<string> GitDirectories => _gitDirectories;

    /// <summary>
    /// Null when every entry git reads state from below <paramref name="gitDirectory"/> (absolute, resolved) is a regular
    /// file or a directory; otherwise the reason, naming <paramref name="name"/> (<c>the repository</c>).
    /// </summary>
    /// <remarks>The alternate object directories it names are followed through <paramref name="links"/>, which lives for one analysis.</remarks>
    public string? Refute(string gitDirectory, string name, LinkResolver links)
    {
        ArgumentNullException.ThrowIfNull(links);
        _gitDirectories.Add(gitDirectory);
        if (!_answers.TryGetValue(gitDirectory, out var finding))
        {
            finding = Walk(gitDirectory, links, _alternates);
            _answers[gitDirectory] = finding;
        }

        return finding is null ? null : $"{name}'s git directory ({gitDirectory}) {finding}";
    }

    private static string? Walk(string gitDirectory, LinkResolver links, HashSet<string> alternates)
    {
        var objects = Path.Join(gitDirectory, "objects");
        var read = 0;
        return WalkTree(gitDirectory, gitDirectory, objects, ref read) ?? WalkAlternates(objects, links, alternates, ref read);
    }

    // Every entry below root must be a regular file or a directory (the git directory's hooks/, modules/ and objects
    // aside, when objects is given); the finding names what is not, relative to gitDirectory.
    private static string? WalkTree(string root, string gitDirectory, string? objects, ref int read)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.TryPop(out var directory))
        {
            var entries = UnixDirectoryListing.List(directory);
            if (entries is null)
            {
                return $"holds {Relative(gitDirectory, directory)}, which cannot be listed (or stopped being a directory)";
            }

            foreach (var (entryName, type) in entries)
            {
                if (++read > MaximumEntries)
                {
                    return $"holds more than {MaximumEntries} entries, too many to prove free of symbolic links";
                }

                if (objects is not null && Skipped(directory, entryName, gitDirectory, objects))
                {
                    continue;
                }

                var path = Path.Join(directory, entryName);
                var kind = type == UnixDirectoryListing.UnknownType ? TypeOf(path) : type;
                if (kind == UnixDirectoryListing.DirectoryType)
                {
                    pending.Push(path);
                }
                else if (kind == UnixDirectoryListing.LinkType)
                {
                    return $"holds a symbolic link, {Relative(gitDirectory, path)}, which git follows when it reads its state and may print what it points to";
                }
                else if (kind != UnixDirectoryListing.RegularFileType)
                {
                    return $"holds {Relative(gitDirectory, path)}, which is neither a file, a directory nor a symbolic link";
                }
            }
        }

        return null;
    }

    // git adds every object directory objects/info/alternates names (one a line; "#" starts a comment; a relative path
    // is taken from the real path of the objects directory that lists it and then tidied as text, as
    // link_alt_odb_entry does) and reads that directory's own info/alternates, to a depth of five. Each alternate's
    // info/ is walked like objects/info/: git opens info/alternates through a link and quotes in its errors every line
    // that names no directory. What git would read but the check cannot follow faithfully is a finding: a quoted
    // (C-style) or NUL-holding line, a file that is not UTF-8, a path through /proc (git's own process resolves it),
    // alternates nested past git's depth, or more of them than the bound.
    private static string? WalkAlternates(string objects, LinkResolver links, HashSet<string> alternates, ref int read)
    {
        if (!links.TryRealPath(objects, out var realObjects))
        {
            return $"holds an objects directory ({objects}) that cannot be resolved";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal) { realObjects };
        var pending = new Stack<(string Directory, int Depth)>();
        pending.Push((realObjects, 0));
        while (pending.TryPop(out var current))
        {
            var listing = Path.Join(current.Directory, "info", "alternates");
            string? text;
            try
            {
                text = GitConfigFileBytes.ReadIfExists(listing, MaximumAlternatesBytes) is { } bytes
                    ? GitConfigFileBytes.DecodeStrictly(bytes, listing)
                    : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return $"borrows objects through {listing}, which cannot be read as git reads it";
            }

            if (text is null)
            {
                continue;
            }

            foreach (var entry in text.Split('\n'))
            {
                if (entry.Length == 0 || entry[0] == '#')
                {
                    continue;
                }

                if (entry[0] == '"' || entry.Contains('\0', StringComparison.Ordinal))
                {
                    return $"borrows objects through {listing}, which holds a line git reads otherwise than as written";
                }

                if (current.Depth > MaximumAlternateDepth)
                {
                    return $"borrows objects through alternates nested deeper than git follows ({listing})";
                }

                // Tidied as text after the base is resolved, as git does (strbuf_normalize_path): "lnk/.." is the base.
                var alternate = Path.GetFullPath(Path.IsPathRooted(entry) ? entry : Path.Join(current.Directory, entry));
                if (links.EntersProcessFiles(alternate) || !links.TryResolve(alternate, out var realAlternate, out var exists))
                {
                    return $"borrows objects from {alternate} (named in {listing}), which cannot be followed as git will follow it";
                }

                if (!exists || !Directory.Exists(realAlternate) || !seen.Add(realAlternate))
                {
                    continue; // git skips it (with an error that quotes the line, which is this file's own text).
                }

                if (seen.Count > MaximumAlternates + 1)
                {
                    return $"borrows objects from more than {MaximumAlternates} alternate object directories";
                }

                alternates.Add(realAlternate);

                // info/ (its alternates, commit-graphs) and pack/ (a multi-pack-index's first bytes), as for the git directory.
                foreach (var part in (string[])["info", "pack"])
                {
                    var partPath = Path.Join(realAlternate, part);
                    var kind = TypeOf(partPath);
                    if (kind == UnixDirectoryListing.DirectoryType)
                    {
                        if (WalkTree(partPath, partPath, objects: null, ref read) is { } finding)
                        {
                            return $"borrows objects from {realAlternate} (named in {listing}), whose {part}/ {finding}";
                        }
                    }
                    else if (File.Exists(partPath) || new FileInfo(partPath).LinkTarget is not null)
                    {
                        return $"borrows objects from {realAlternate} (named in {listing}), whose {part} is not a directory git reads as it is";
                    }
                }

                pending.Push((realAlternate, current.Depth + 1));
            }
        }

        return null;
    }

    private static bool Skipped(string directory, string entryName, string gitDirectory, string objects) =>
        (directory == gitDirectory && entryName is "hooks" or "modules")
        || (directory == objects && IsFanOut(entryName));

    // objects/00 … objects/ff: the loose objects, filed by the first byte of their hash.
    private static bool IsFanOut(string entryName) => entryName.Length == 2 && char.IsAsciiHexDigitLower(entryName[0]) && char.IsAsciiHexDigitLower(entryName[1]);

    private static string Relative(string gitDirectory, string path) => Path.GetRelativePath(gitDirectory, path);

    private static byte TypeOf(string path)
    {
        try
        {
            var status = UnixFileStatus.OfPath(path);
            return status.IsDirectory ? UnixDirectoryListing.DirectoryType : status.IsRegularFile ? UnixDirectoryListing.RegularFileType : status.IsSymbolicLink ? UnixDirectoryListing.LinkType : UnixDirectoryListing.UnknownType;
        }
        catch (IOException)
        {
            return UnixDirectoryListing.UnknownType;
        }
    }
}
