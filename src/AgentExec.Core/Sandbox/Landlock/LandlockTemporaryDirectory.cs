using System.Runtime.InteropServices;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>The fresh directory that <c>TMPDIR</c> points to under Landlock: created per run, removed after it.</summary>
/// <remarks>
/// The removal never follows a symbolic link and never resolves a path twice: it walks the tree through directory
/// descriptors (<c>openat</c> with <c>O_NOFOLLOW</c>, <c>unlinkat</c>), because the tree was built by the sandboxed
/// command and agentexec removes it unsandboxed. A path-based recursive delete (like <c>Directory.Delete</c>) could be
/// redirected by a process that swaps a subdirectory for a link to <c>/etc</c> between the check and the removal.
/// </remarks>
internal static unsafe class LandlockTemporaryDirectory
{
    // Deeper trees are left in place rather than risk running out of descriptors or stack.
    private const int MaxDepth = 128;

    // struct dirent64 (glibc, x86_64): d_ino (8), d_off (8), d_reclen (2), d_type (1), then d_name.
    private const int DirentNameOffset = 19;

    /// <summary>Creates a new, empty directory readable only by this user under the host's temporary directory.</summary>
    /// <exception cref="IOException">It could not be created.</exception>
    public static string Create() => Directory.CreateTempSubdirectory("agentexec-landlock-").FullName;

    /// <summary>Removes <paramref name="path"/> and everything in it without following links; never throws.</summary>
    /// <returns>True when the directory is gone.</returns>
    public static bool Delete(string path)
    {
        if (!Path.IsPathFullyQualified(path) || Path.GetDirectoryName(path) is not { } parent || Path.GetFileName(path) is not { Length: > 0 } name)
        {
            return false;
        }

        var parentFd = Libc.OpenAt(LinuxOpenFlags.AtCurrentDirectory, parent, LinuxOpenFlags.PathOnly | LinuxOpenFlags.Directory | LinuxOpenFlags.CloseOnExec, 0);
        if (parentFd < 0)
        {
            return false;
        }

        try
        {
            var nameBytes = NullTerminated(name);
            fixed (byte* native = nameBytes)
            {
                RemoveEntry(parentFd, native, 0);
            }
        }
        finally
        {
            Libc.Close(parentFd);
        }

        return !Directory.Exists(path);
    }

    private const uint OwnerOnly = 0x1C0; // 0700

    private static void RemoveEntry(int directoryFd, byte* name, int depth)
    {
        if (Libc.UnlinkAt(directoryFd, name, 0) == 0 || Libc.LastError != Errno.EISDIR || depth > MaxDepth)
        {
            return;
        }

        // The command may have taken its own folders' permissions away (chmod 500 or 000), which stops an owner who is
        // not root from listing or emptying them. It is a directory (unlinkat said EISDIR, which a link never does) and
        // the command is gone, so giving the owner full access back cannot reach anything else.
        Libc.FchmodAt(directoryFd, name, OwnerOnly, 0);
        var fd = Libc.OpenAt(directoryFd, name, LinuxOpenFlags.ReadOnly | LinuxOpenFlags.Directory | LinuxOpenFlags.NoFollow | LinuxOpenFlags.CloseOnExec, 0);
        if (fd < 0)
        {
            return;
        }

        try
        {
            foreach (var child in ListNames(fd))
            {
                fixed (byte* native = child)
                {
                    RemoveEntry(fd, native, depth + 1);
                }
            }
        }
        finally
        {
            Libc.Close(fd);
        }

        Libc.UnlinkAt(directoryFd, name, LinuxOpenFlags.AtRemoveDirectory);
    }

    /// <summary>The names in the directory open as <paramref name="fd"/>, NUL-terminated, without "." and "..".</summary>
    private static List<byte[]> ListNames(int fd)
    {
        var names = new List<byte[]>();

        // fdopendir takes its descriptor over, so it gets its own; "." reopens the same directory, not a path.
        var listFd = Libc.OpenAt(fd, ".", LinuxOpenFlags.ReadOnly | LinuxOpenFlags.Directory | LinuxOpenFlags.CloseOnExec, 0);
        if (listFd < 0)
        {
            return names;
        }

        var directory = Libc.FdOpenDir(listFd);
        if (directory == 0)
        {
            Libc.Close(listFd);
            return names;
        }

        try
        {
            byte* entry;
            while ((entry = Libc.ReadDir(directory)) is not null)
            {
                var span = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + DirentNameOffset);
                if (span.SequenceEqual("."u8) || span.SequenceEqual(".."u8))
                {
                    continue;
                }

                var copy = new byte[span.Length + 1];
                span.CopyTo(copy);
                names.Add(copy);
            }
        }
        finally
        {
            Libc.CloseDir(directory);
        }

        return names;
    }

    private static byte[] NullTerminated(string value)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(value) + 1];
        System.Text.Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }
}
