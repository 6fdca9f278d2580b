using AgentExec.Core.Configuration;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// How a path to keep read-only stands against the writable roots, read the way the kernel will walk it when git or
/// AgentExec later opens it by that spelling (<see cref="Look"/>).
/// </summary>
/// <remarks>
/// <para>
/// Binding a path's real location read-only protects what is there now. Two things in a writable directory would still
/// let a command decide what that spelling opens next time: a missing component (a command creates <c>.husky/</c>, the
/// <c>core.hooksPath</c> git reads, and puts a hook there that git runs outside any sandbox), and a symbolic link (a
/// command replaces the link, which is an ordinary entry of its directory, with a directory of its own). So the walk
/// goes component by component from <c>/</c>, follows links only in directories no command can write, and stops at
/// the first entry a command could create or replace.
/// </para>
/// <para>
/// The answer for a missing entry is its first missing component, where a placeholder can stand
/// (<see cref="WorkspacePlaceholders.StandIn"/>): with that one entry uncreatable, nothing below it can be made.
/// </para>
/// </remarks>
internal static class ProtectedPathLookup
{
    private const int MaxSymbolicLinks = 40; // the kernel's own bound (MAXSYMLINKS)

    /// <summary>What <see cref="Look"/> found.</summary>
    public enum Kind
    {
        /// <summary>No entry on the way lies in a writable directory: no command can change what the spelling opens.</summary>
        Unwritable,

        /// <summary>
        /// The path exists at <see cref="Lookup.Path"/> (its real path); or a file or a placeholder stands where the
        /// spelling goes on (<see cref="Lookup.Path"/> names it), which bound read-only keeps the rest from ever existing.
        /// </summary>
        Present,

        /// <summary><see cref="Lookup.Path"/> is the first missing component, in a writable directory: a command could create the path.</summary>
        Missing,

        /// <summary><see cref="Lookup.Path"/> is a symbolic link in a writable directory on the way: a command could replace it.</summary>
        BehindLink,

        /// <summary>
        /// An entry in a writable directory on the way could not be read (a permission, a name too long, a target that is
        /// not UTF-8), or the spelling climbs with <c>..</c> out of a component that does not exist: nothing can be
        /// concluded, and the stricter reading refuses (<see cref="Lookup.Path"/> names the entry).
        /// </summary>
        Unknowable,
    }

    /// <summary>The outcome of one walk.</summary>
    /// <param name="Result">What the walk found.</param>
    /// <param name="Path">The real path, the first missing component, the link or the unreadable entry; the spelling itself for <see cref="Kind.Unwritable"/>.</param>
    public readonly record struct Lookup(Kind Result, string Path);

    /// <summary>Walks <paramref name="path"/> (absolute, <c>..</c> allowed and applied where the kernel applies it).</summary>
    /// <param name="path">The spelling git or AgentExec will open.</param>
    /// <param name="isWritable">Whether a real directory path lies inside a writable root (its entries can be created, removed, replaced).</param>
    /// <param name="isFixed">Whether a real path is a mount point of the plan (kept read-only or pinned): it cannot be renamed or replaced.</param>
    /// <returns>The lookup; <see cref="Kind.Unwritable"/> for a path that is not absolute or cannot be asked about (a NUL).</returns>
    public static Lookup Look(string path, Func<string, bool> isWritable, Func<string, bool> isFixed)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(isWritable);
        ArgumentNullException.ThrowIfNull(isFixed);
        if (!RealPath.IsAskable(path))
        {
            return new Lookup(Kind.Unwritable, path);
        }

        // The common case, one system call: a canonical spelling with no link anywhere that exists is its own real path.
        if (LinkFreeLookup.Ask(path) == LinkFreeLookup.Answer.ExistsWithoutLinks)
        {
            return new Lookup(isWritable(path) ? Kind.Present : Kind.Unwritable, path);
        }

        return Walk(path, isWritable, isFixed);
    }

    private static Lookup Walk(string path, Func<string, bool> isWritable, Func<string, bool> isFixed)
    {
        var pending = new Stack<string>();
        Push(pending, path);
        var directory = "/";
        var links = 0;
        while (pending.TryPop(out var component))
        {
            if (component.Length == 0 || component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                // The directory is real (links resolved), so its parent is where the kernel's ".." leads, as long as
                // no command can put a link where the directory stands: "tools/../.githooks" leads elsewhere once tools
                // is a link to sub/x, and only the end of the path is bound read-only.
                var parent = Path.GetDirectoryName(directory) ?? "/";
                if (directory != "/" && isWritable(parent) && !isFixed(directory))
                {
                    return new Lookup(Kind.Unknowable, directory);
                }

                directory = parent;
                continue;
            }

            var entry = directory == "/" ? "/" + component : directory + "/" + component;
            var writable = isWritable(directory);
            var (target, exists) = LinkEntry.Read(entry);
            if (ReferenceEquals(target, LinkEntry.Unknowable.Target))
            {
                return new Lookup(writable ? Kind.Unknowable : Kind.Unwritable, entry);
            }

            if (target is not null)
            {
                if (writable)
                {
                    return new Lookup(Kind.BehindLink, entry);
                }

                if (++links > MaxSymbolicLinks)
                {
                    // The kernel gives up too (ELOOP): the spelling opens nothing, whatever a command does.
                    return new Lookup(Kind.Unwritable, path);
                }

                if (Path.IsPathFullyQualified(target))
                {
                    directory = "/";
                }

                Push(pending, target);
                continue;
            }

            if (!exists)
            {
                if (!writable)
                {
                    return new Lookup(Kind.Unwritable, path);
                }

                // A placeholder here makes nothing below it creatable, but a ".." further on climbs back out of it to
                // where the spelling really leads (for root, whom its mode does not stop): one spelling, two places.
                return new Lookup(pending.Contains("..") ? Kind.Unknowable : Kind.Missing, entry);
            }

            if (pending.Any(next => next.Length > 0))
            {
                if (!Directory.Exists(entry))
                {
                    // A file where the spelling goes on opens nothing now (ENOTDIR, a ".." included), but a command could
                    // put a directory in its place: pinned (bound read-only), it cannot be replaced.
                    return new Lookup(writable ? Kind.Present : Kind.Unwritable, writable ? entry : path);
                }

                if (PlaceholderEntry.IsPlaceholder(entry))
                {
                    // An earlier plan's stand-in for a missing component: pinned, nothing below it can be made; a ".."
                    // after it is refused as above.
                    return new Lookup(!writable ? Kind.Unwritable : pending.Contains("..") ? Kind.Unknowable : Kind.Present, writable ? entry : path);
                }
            }

            directory = entry;
        }

        return new Lookup(isWritable(directory) ? Kind.Present : Kind.Unwritable, directory);
    }

    private static void Push(Stack<string> pending, string path)
    {
        var components = path.Split('/');
        for (var i = components.Length - 1; i >= 0; i--)
        {
            pending.Push(components[i]);
        }
    }
}
