using AgentExec.Core.Configuration;

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
/// Not walked: loose objects (<c>objects/XX/</c>) and packs (<c>objects/pack/</c>), binary and content-addressed, which
/// git inflates and checks and at most quotes a header word of; <c>hooks/</c>, programs that inspection never prints
/// and that <see cref="GitConfigInspection"/> judges as programs where inspection can run one (a linked
/// <c>pre-commit</c> hook is a common set-up); <c>modules/</c>, whose repositories are walked as repositories of their
/// own, from their own top, so that their objects are skipped by the same rule. <c>objects/info/</c> is walked.
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

    private readonly Dictionary<string, string?> _answers = new(StringComparer.Ordinal);

    /// <summary>
    /// Null when every entry git reads state from below <paramref name="gitDirectory"/> (absolute, resolved) is a regular
    /// file or a directory; otherwise the reason, naming <paramref name="name"/> (<c>the repository</c>).
    /// </summary>
    public string? Refute(string gitDirectory, string name)
    {
        if (!_answers.TryGetValue(gitDirectory, out var finding))
        {
            finding = Walk(gitDirectory);
            _answers[gitDirectory] = finding;
        }

        return finding is null ? null : $"{name}'s git directory ({gitDirectory}) {finding}";
    }

    private static string? Walk(string gitDirectory)
    {
        var objects = Path.Join(gitDirectory, "objects");
        var pending = new Stack<string>();
        pending.Push(gitDirectory);
        var read = 0;
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

                if (Skipped(directory, entryName, gitDirectory, objects))
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

    private static bool Skipped(string directory, string entryName, string gitDirectory, string objects) =>
        (directory == gitDirectory && entryName is "hooks" or "modules")
        || (directory == objects && (entryName == "pack" || IsFanOut(entryName)));

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
