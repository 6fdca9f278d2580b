using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace AgentExec.Core.Configuration;

/// <summary>
/// Asks the kernel, in one <c>openat2(2)</c> with <c>RESOLVE_NO_SYMLINKS</c>, whether an absolute path reaches its end
/// without meeting a symbolic link: what <see cref="Credentials.LinkResolver"/> and <see cref="RealPath"/> otherwise
/// learn with a <c>readlink(2)</c> per component (issue 12: the analysis of one line was mostly these system calls,
/// about 3 µs each on the 2-core machine).
/// </summary>
/// <remarks>
/// <para>
/// The kernel walks the path component by component and fails with <c>ELOOP</c> at the first symbolic link it meets,
/// the last component included (no <c>O_NOFOLLOW</c>). So success means every component exists and none is a link;
/// <c>ENOENT</c> or <c>ENOTDIR</c> means the walk stopped at a missing entry (or below a non-directory) after meeting no
/// link, which is exactly the case where the walk keeps the rest as written. Every other answer (<c>ELOOP</c>,
/// <c>EACCES</c>, <c>ENAMETOOLONG</c>, <c>ENOSYS</c> on a kernel before 5.6, <c>EPERM</c> from a seccomp filter, anything
/// unexpected) answers nothing, and the caller walks the path itself: this can only skip work, never change an answer.
/// </para>
/// <para>
/// Only a path already in canonical form is asked (absolute, no empty, <c>.</c> or <c>..</c> component, no trailing
/// separator), because the walk applies <c>..</c> to the resolved prefix while the kernel applies it to the directory
/// it reached; with no <c>..</c> the two agree. The name is encoded strictly: a string that is not valid UTF-16 is not
/// asked about.
/// </para>
/// </remarks>
internal static unsafe partial class LinkFreeLookup
{
    // Since Linux 5.6 the same number on every architecture (X64Syscall's remarks).
    private const int OpenAt2 = 437;
    private const ulong ResolveNoSymlinks = 0x04;
    private const int NoSuchEntry = 2; // ENOENT
    private const int NotADirectory = 20; // ENOTDIR
    private const int NotImplemented = 38; // ENOSYS

    // open(2) flags and AT_FDCWD (asm-generic/fcntl.h). Declared here rather than taken from Sandbox.LinuxOpenFlags and
    // Execution.Libc, which sit above Configuration in Core's layering.
    private const int PathOnly = 0x200000; // O_PATH: a handle on the inode; needs no read right on the file.
    private const int CloseOnExec = 0x80000; // O_CLOEXEC
    private const int AtCurrentDirectory = -100; // AT_FDCWD

    // Set once the kernel (or a seccomp filter) says openat2 does not exist here: then no call pays for asking.
    private static volatile bool s_unavailable;

    /// <summary>What one <c>openat2</c> said about a path.</summary>
    public enum Answer
    {
        /// <summary>Nothing can be concluded; walk the path component by component.</summary>
        Unanswered,

        /// <summary>Every component exists and none is a symbolic link: the path is its own real path.</summary>
        ExistsWithoutLinks,

        /// <summary>The walk met no link before an entry that is missing: the path is kept as written and does not exist.</summary>
        MissingWithoutLinks,

        /// <summary>
        /// Only from <see cref="AskBelowLinkFreeDirectory"/>: the last component is a symbolic link (the directory
        /// before it has none); the caller reads the link instead of asking a look-up that would stop at it.
        /// </summary>
        EndsInLink,
    }

    /// <summary>Asks about <paramref name="absolutePath"/> when it is canonical; <see cref="Answer.Unanswered"/> otherwise.</summary>
    [SkipLocalsInit] // The name buffer is written by the encoder before the kernel reads it.
    public static Answer Ask(string absolutePath)
    {
        var name = stackalloc byte[NameBufferSize];
        if (s_unavailable || !TryWriteName(absolutePath, new Span<byte>(name, NameBufferSize)))
        {
            return Answer.Unanswered;
        }

        var how = new OpenHow { Flags = PathOnly | CloseOnExec, Resolve = ResolveNoSymlinks };
        var fd = Syscall(OpenAt2, AtCurrentDirectory, (nint)name, (nint)(&how), sizeof(OpenHow));
        if (fd >= 0)
        {
            _ = Close((int)fd);
            return Answer.ExistsWithoutLinks;
        }

        switch (Marshal.GetLastPInvokeError())
        {
            case NoSuchEntry or NotADirectory:
                return Answer.MissingWithoutLinks;
            case NotImplemented:
                s_unavailable = true;
                return Answer.Unanswered;
            default:
                return Answer.Unanswered;
        }
    }

    /// <summary>
    /// Asks about <paramref name="canonicalPath"/> with one <c>statx(2)</c> that does not follow a final link, for a path
    /// whose directory is already known (in this analysis) to be walked without meeting a link; <paramref name="status"/>
    /// is its status when it exists (and is not a link).
    /// </summary>
    /// <remarks>
    /// With the directory walked without a link, the kernel's walk of the whole path meets a link only in its last
    /// component, which <c>AT_SYMLINK_NOFOLLOW</c> reports instead of following: so a success that is not a link is
    /// <see cref="Answer.ExistsWithoutLinks"/>, <c>ENOENT</c>/<c>ENOTDIR</c> is <see cref="Answer.MissingWithoutLinks"/>,
    /// exactly what <see cref="Ask"/> would say, with no descriptor to close. A final link is <see cref="Answer.EndsInLink"/>,
    /// and every other answer <see cref="Answer.Unanswered"/>: the caller asks the usual way.
    /// </remarks>
    [SkipLocalsInit] // The name buffer is written by the encoder before the kernel reads it.
    public static Answer AskBelowLinkFreeDirectory(string canonicalPath, out UnixFileStatus status)
    {
        status = default;
        var name = stackalloc byte[NameBufferSize];
        if (!TryWriteName(canonicalPath, new Span<byte>(name, NameBufferSize)))
        {
            return Answer.Unanswered;
        }

        var error = UnixFileStatus.TryOfName(name, out var found);
        if (error == 0)
        {
            if (found.IsSymbolicLink)
            {
                return Answer.EndsInLink;
            }

            status = found;
            return Answer.ExistsWithoutLinks;
        }

        return error is NoSuchEntry or NotADirectory ? Answer.MissingWithoutLinks : Answer.Unanswered;
    }

    // The name buffer both look-ups put on the stack; a longer path is rare enough for the walk, which every path took before.
    private const int NameBufferSize = 1024;

    /// <summary>
    /// Writes <paramref name="path"/> into <paramref name="buffer"/> as a NUL-terminated UTF-8 name; false when it is not
    /// canonical, not valid UTF-16, or does not fit (the caller then leaves it to the walk).
    /// </summary>
    private static bool TryWriteName(string path, Span<byte> buffer)
    {
        if (!IsCanonical(path))
        {
            return false;
        }

        int byteCount;
        try
        {
            byteCount = RealPath.StrictUtf8.GetByteCount(path);
        }
        catch (EncoderFallbackException)
        {
            return false;
        }

        if (byteCount >= buffer.Length)
        {
            return false;
        }

        var written = RealPath.StrictUtf8.GetBytes(path, buffer[..^1]);
        buffer[written] = 0;
        return true;
    }

    /// <summary>
    /// Opens the directory <paramref name="canonicalPath"/> (an <c>O_PATH</c> descriptor, to pass to a <c>…at</c> call)
    /// only when the kernel reaches it without meeting a symbolic link: what is then made through the descriptor lands in
    /// that very directory, whatever is renamed or swapped for a link along the path afterwards.
    /// </summary>
    /// <returns>The descriptor, which the caller closes; -1 for a path that is not canonical, holds a link, is missing or is not a directory, or when openat2 is unavailable.</returns>
    [SkipLocalsInit] // The name buffer is written by the encoder before the kernel reads it.
    public static int OpenDirectoryWithoutLinks(string canonicalPath)
    {
        const int DirectoryOnly = 0x10000; // O_DIRECTORY
        var name = stackalloc byte[NameBufferSize];
        if (canonicalPath != "/" && !TryWriteName(canonicalPath, new Span<byte>(name, NameBufferSize)))
        {
            return -1;
        }

        if (canonicalPath == "/")
        {
            name[0] = (byte)'/';
            name[1] = 0;
        }

        var how = new OpenHow { Flags = PathOnly | CloseOnExec | DirectoryOnly, Resolve = ResolveNoSymlinks };
        var fd = Syscall(OpenAt2, AtCurrentDirectory, (nint)name, (nint)(&how), sizeof(OpenHow));
        return fd >= 0 ? (int)fd : -1;
    }

    /// <summary>Absolute, and every component a plain name: no empty, <c>.</c> or <c>..</c> component, no trailing <c>/</c>.</summary>
    internal static bool IsCanonical(string path)
    {
        if (path.Length < 2 || path[0] != '/' || path[^1] == '/')
        {
            return false;
        }

        var start = 1;
        while (start <= path.Length)
        {
            var end = path.IndexOf('/', start);
            if (end < 0)
            {
                end = path.Length;
            }

            var component = path.AsSpan(start, end - start);
            if (component.Length == 0 || component is "." or ".." || component.Contains('\0'))
            {
                return false;
            }

            start = end + 1;
        }

        return true;
    }

    // syscall(2) is variadic; on x86_64 a fixed-arity import passes integer arguments in the same registers (see
    // Execution.Libc's remarks).
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial nint Syscall(nint number, nint directoryFd, nint path, nint how, nint size);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    // struct open_how (linux/openat2.h): three 64-bit fields, passed with its size.
    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }
}
