using AgentExec.Core.Credentials;

namespace AgentExec.Core.Commands;

/// <summary>Path arithmetic for the git configuration check: include targets, symlink resolution, writable roots.</summary>
internal static class GitConfigPaths
{
    /// <summary>
    /// The absolute file an <c>include.path</c> value names, as git expands it: <c>~/</c> against
    /// <paramref name="homeDirectory"/>, a relative path against the directory of the including file as written.
    /// Joined, never normalised: git hands the path to the kernel, which takes <c>lnk/..</c> as the parent of the link's
    /// target, not of the link (<see cref="Resolve(string, LinkResolver)"/> does the same).
    /// </summary>
    /// <exception cref="InvalidDataException">The value is one git would refuse or this check cannot place (<c>~user/</c>, <c>%(prefix)/</c>).</exception>
    public static string IncludeTarget(string value, string includingFile, string? homeDirectory) =>
        Pathname(value, Path.GetDirectoryName(includingFile) ?? "/", homeDirectory);

    /// <summary>
    /// The absolute path a path-valued setting names (<c>include.path</c>, <c>core.hooksPath</c>), as git expands it:
    /// <c>~/</c> against <paramref name="homeDirectory"/>, a relative path against <paramref name="directory"/>; joined,
    /// never normalised (see <see cref="IncludeTarget"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The value is empty (git reads nothing for it), or one this check cannot place (<c>~user/</c>, <c>%(prefix)/</c>,
    /// bytes that are not UTF-8), which git may well open: a caller must treat every value but the empty one as
    /// unknown, never as nothing.
    /// </exception>
    public static string Pathname(string value, string directory, string? homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            throw new InvalidDataException("an empty path");
        }

        if (value == "~" || value.StartsWith("~/", StringComparison.Ordinal))
        {
            if (string.IsNullOrEmpty(homeDirectory))
            {
                throw new InvalidDataException($"a path under ~ ({value}) without a home directory");
            }

            return Path.Join(homeDirectory, value[1..]);
        }

        if (value.StartsWith('~') || value.StartsWith("%(prefix)/", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"a path this check cannot place ({value})");
        }

        if (value.Contains(GitConfigFileBytes.Undecodable, StringComparison.Ordinal))
        {
            // Bytes that are not UTF-8 (GitConfigFileReader.ReadFileToleratingNonUtf8IfExists): git opens the bytes, this
            // process could only open another name.
            throw new InvalidDataException($"a path holding bytes that are not UTF-8 ({value})");
        }

        return Path.IsPathRooted(value) ? value : Path.Join(directory, value);
    }

    /// <summary>
    /// <paramref name="path"/> with every symlink in it followed, like realpath(3); parts that do not exist
    /// are kept as written.
    /// </summary>
    /// <exception cref="IOException">The links loop or nest too deeply.</exception>
    public static string Resolve(string path) => Resolve(path, new LinkResolver());

    /// <summary><see cref="Resolve(string)"/>, with what the file system says remembered by <paramref name="links"/> (one analysis).</summary>
    /// <remarks>
    /// Every link is followed as <see cref="LinkResolver.TryResolve"/> does, and each <c>..</c> is applied to what is
    /// resolved so far, as the kernel applies it (never to the text first: <c>lnk/../x</c> is <c>x</c> beside the link's
    /// target). A path without a link costs one system call, not a <c>readlink(2)</c> per component.
    /// </remarks>
    /// <exception cref="IOException">The path is not absolute, the links loop or nest too deeply, a link in <c>/proc</c> is on the way, or a component cannot be examined.</exception>
    public static string Resolve(string path, LinkResolver links) =>
        links.TryRealPath(path, out var real)
            ? real
            : throw new IOException($"{path} cannot be resolved: not absolute, a link in /proc, too many symbolic links, or a component that cannot be examined");

    /// <summary>True when <paramref name="path"/> (resolved) is one of <paramref name="roots"/> or lies under one.</summary>
    public static bool IsInside(string path, IReadOnlyList<string> roots)
    {
        foreach (var root in roots)
        {
            var trimmed = root.Length > 1 ? root.TrimEnd('/') : root;
            if (path == trimmed || trimmed == "/" || path.StartsWith(trimmed + "/", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
