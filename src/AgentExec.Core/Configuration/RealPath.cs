using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;

namespace AgentExec.Core.Configuration;

/// <summary>Symbolic-link resolution of absolute paths, like <c>realpath(3)</c>, in managed code.</summary>
/// <remarks>
/// Trust decisions ("is this config inside the workspace?") must compare where files really are, not how they were
/// named. <see cref="FileSystemInfo.ResolveLinkTarget"/> resolves only the last component. A path in canonical
/// spelling that the kernel walks without meeting a link is its own answer, whether it is there or missing part-way,
/// which one <c>openat2(2)</c> tells (<see cref="LinkFreeLookup"/>): the credential locations, the workspace and the
/// audit log are resolved at every start and for every sandboxed call, and most are link-free. Any other path that
/// exists is resolved by the C library's <c>realpath(3)</c> (a <c>readlink</c> per component; the managed walk costs
/// several times more), and the rest is walked here component by component, which keeps its missing tail as written.
/// </remarks>
internal static partial class RealPath
{
    // Linux gives up with ELOOP after 40 links; so do we.
    internal const int MaxSymbolicLinks = 40;

    /// <summary>
    /// UTF-8 that throws on bytes it cannot decode: a path that is not UTF-8 would otherwise come back with U+FFFD in
    /// place of its bytes, the name of another path, and no trust decision may rest on that.
    /// </summary>
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Resolves every symbolic link in an absolute path; a tail that does not exist is kept as written.</summary>
    /// <param name="absolutePath">An absolute path; <c>.</c> and <c>..</c> are allowed and applied after resolving.</param>
    /// <param name="realPath">The resolved path, normalised, without a trailing separator.</param>
    /// <param name="exists">Whether the whole path exists.</param>
    /// <returns>
    /// False when the path is not absolute, holds a NUL, has too many links, or cannot be inspected (a component the
    /// walk cannot read faithfully, see <see cref="LinkEntry"/>).
    /// </returns>
    public static unsafe bool TryResolve(string absolutePath, [NotNullWhen(true)] out string? realPath, out bool exists)
    {
        realPath = null;
        exists = false;
        if (!IsAskable(absolutePath))
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            // A canonical path the kernel walks without meeting a link is its own answer, there or missing: one openat2
            // (LinkFreeLookup) where realpath(3) reads every component with its own readlink.
            switch (LinkFreeLookup.Ask(absolutePath))
            {
                case LinkFreeLookup.Answer.ExistsWithoutLinks:
                    realPath = absolutePath;
                    exists = true;
                    return true;
                case LinkFreeLookup.Answer.MissingWithoutLinks:
                    realPath = absolutePath;
                    return true;
            }

            var resolvedByLibc = NativeRealPath(absolutePath, 0);
            if (resolvedByLibc != 0)
            {
                try
                {
                    realPath = StrictUtf8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)resolvedByLibc));
                    exists = true;
                    return true;
                }
                catch (DecoderFallbackException)
                {
                    return false;
                }
                finally
                {
                    Free(resolvedByLibc);
                }
            }
        }

        return TryResolveByWalking(absolutePath, out realPath, out exists);
    }

    /// <summary>
    /// <see cref="TryResolve"/> without its shortcuts: every component in turn, following each link. Internal so that
    /// tests can hold the shortcuts to it.
    /// </summary>
    internal static bool TryResolveByWalking(string absolutePath, [NotNullWhen(true)] out string? realPath, out bool exists)
    {
        realPath = null;
        exists = false;
        if (!IsAskable(absolutePath))
        {
            return false;
        }

        var pending = new Stack<string>();
        PushComponents(pending, absolutePath);
        var resolved = new List<string>();
        var linksFollowed = 0;
        var allExist = true;

        while (pending.TryPop(out var component))
        {
            if (component.Length == 0 || component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            if (!allExist)
            {
                resolved.Add(component);
                continue;
            }

            var candidate = Join(resolved, component);
            var (target, present) = LinkEntry.Read(candidate);
            if (ReferenceEquals(target, LinkEntry.Unknowable.Target))
            {
                // Not "missing": EACCES, ENAMETOOLONG (a resolved prefix past PATH_MAX that the kernel still follows
                // link by link), EIO, or a target that is not UTF-8. Keeping the rest as written would skip its links.
                return false;
            }

            if (target is not null)
            {
                if (++linksFollowed > MaxSymbolicLinks)
                {
                    return false;
                }

                if (Path.IsPathFullyQualified(target))
                {
                    resolved.Clear();
                }

                // A relative target is relative to the link's directory, which is what `resolved` holds now.
                PushComponents(pending, target);
                continue;
            }

            allExist = present;
            resolved.Add(component);
        }

        realPath = Join(resolved, null);
        exists = allExist;
        return true;
    }

    /// <summary>
    /// True for an absolute path the file system can be asked about as written. A NUL would give the C library another,
    /// shorter name; so would text that is not valid UTF-16 (a lone surrogate), which the file-name marshalling turns
    /// into U+FFFD, the name of another file.
    /// </summary>
    internal static bool IsAskable(string path) =>
        Path.IsPathFullyQualified(path) && !path.Contains('\0', StringComparison.Ordinal) && IsValidUtf16(path);

    private static bool IsValidUtf16(string path)
    {
        try
        {
            _ = StrictUtf8.GetByteCount(path);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when <paramref name="path"/> is <paramref name="directory"/> or lies beneath it as spelt, or once its links
    /// are resolved (a link on the way, the home itself a link); the missing part of a path that does not exist yet stays
    /// as spelt. For a place that must not lie inside a writable directory, whichever way it is reached.
    /// </summary>
    public static bool IsSameOrInsideAsSpeltOrResolved(string path, string directory) =>
        IsSameOrInside(path, directory) || (TryResolve(path, out var real, out _) && IsSameOrInside(real, directory));

    /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> or lies beneath it (both normalised, absolute).</summary>
    /// <param name="path">The path to test.</param>
    /// <param name="directory">The directory that may contain it.</param>
    /// <returns>Whether it is inside.</returns>
    public static bool IsSameOrInside(string path, string directory)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(directory);

        // Compared in place: the proof asks this of every path against every writable root and shared directory.
        var trimmed = directory.AsSpan().TrimEnd('/');
        return path == directory
            || path.AsSpan().SequenceEqual(trimmed)
            || (path.Length > trimmed.Length && path[trimmed.Length] == '/' && path.AsSpan().StartsWith(trimmed, StringComparison.Ordinal));
    }

    // realpath(3) with a null buffer returns a string the caller frees; null when any component is missing or a
    // link loops, and the managed walk then gives the answer.
    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint NativeRealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

    private static void PushComponents(Stack<string> pending, string path)
    {
        var components = path.Split('/');
        for (var i = components.Length - 1; i >= 0; i--)
        {
            pending.Push(components[i]);
        }
    }

    private static string Join(List<string> components, string? last)
    {
        var all = last is null ? components : [.. components, last];
        return "/" + string.Join('/', all);
    }
}
