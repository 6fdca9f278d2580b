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
    // How many levels one pass descends, holding a descriptor and a stack frame for each. A directory found at this
    // depth is moved up into the temporary directory itself and removed by the next pass, so a tree of any depth goes
    // (an attack left a tree 140 levels deep, with a file of its choosing at the bottom, in the host's /tmp after the
    // call when deeper trees were simply left in place).
    private const int MaxDepth = 128;

    // renameat2's RENAME_NOREPLACE (linux/fs.h): a moved directory never replaces an entry already there.
    private const int RenameNoReplace = 1;

    // struct dirent64 (glibc, x86_64): d_ino (8), d_off (8), d_reclen (2), d_type (1), then d_name.
    private const int DirentNameOffset = 19;

    /// <summary>Creates a new, empty directory readable only by this user under the host's temporary directory; returns its real path.</summary>
    /// <remarks>
    /// The real path, because the launcher opens what it makes writable without following any link
    /// (<see cref="LandlockRuleset.AllowDirectoryWithoutLinks"/>): a <c>TMPDIR</c> spelt through a link of the host's own
    /// would otherwise refuse every run.
    /// </remarks>
    /// <exception cref="IOException">It could not be created, or its folder's real path cannot be resolved.</exception>
    public static string Create()
    {
        var created = Directory.CreateTempSubdirectory("agentexec-landlock-");
        if (created.Parent is not { } parent || !Configuration.RealPath.TryResolve(parent.FullName, out var realParent, out var exists) || !exists)
        {
            Delete(created.FullName);
            throw new IOException($"the real path of the temporary directory {created.Parent?.FullName} cannot be resolved");
        }

        return Path.Join(realParent, created.Name);
    }

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
                // Each pass removes what lies within MaxDepth levels and moves what lies deeper up; the command has ended,
                // so the tree only shrinks, and a pass that moves nothing is the last.
                var moved = 0L;
                while (RemoveEntry(parentFd, native, 0, -1, ref moved))
                {
                }
            }
        }
        finally
        {
            Libc.Close(parentFd);
        }

        return !Directory.Exists(path);
    }

    private const uint OwnerOnly = 0x1C0; // 0700

    // Removes the entry, or, for a directory at MaxDepth, moves it up into topFd (the temporary directory, open at depth
    // 0) for the next pass. Returns whether anything was moved, that is whether another pass is needed.
    private static bool RemoveEntry(int directoryFd, byte* name, int depth, int topFd, ref long moved)
    {
        if (Libc.UnlinkAt(directoryFd, name, 0) == 0 || Libc.LastError != Errno.EISDIR)
        {
            return false;
        }

        // The command may have taken its own folders' permissions away (chmod 500 or 000), which stops an owner who is
        // not root from listing or emptying them. It is a directory (unlinkat said EISDIR, which a link never does) and
        // the command is gone, so giving the owner full access back cannot reach anything else. (Moving a directory to
        // another parent needs write access to it too.)
        Libc.FchmodAt(directoryFd, name, OwnerOnly, 0);
        if (depth >= MaxDepth)
        {
            return MoveUp(directoryFd, name, topFd, ref moved);
        }

        var fd = Libc.OpenAt(directoryFd, name, LinuxOpenFlags.ReadOnly | LinuxOpenFlags.Directory | LinuxOpenFlags.NoFollow | LinuxOpenFlags.CloseOnExec, 0);
        if (fd < 0)
        {
            return false;
        }

        var again = false;
        try
        {
            foreach (var child in ListNames(fd))
            {
                fixed (byte* native = child)
                {
                    again |= RemoveEntry(fd, native, depth + 1, depth == 0 ? fd : topFd, ref moved);
                }
            }
        }
        finally
        {
            Libc.Close(fd);
        }

        // Fails while something moved up still waits in the temporary directory; the next pass removes it.
        Libc.UnlinkAt(directoryFd, name, LinuxOpenFlags.AtRemoveDirectory);
        return again;
    }

    // Moves the directory name (in directoryFd) into topFd under a name no entry there has: renameat2 resolves no link
    // and replaces nothing. False when it cannot be moved, which leaves it in place.
    private static bool MoveUp(int directoryFd, byte* name, int topFd, ref long moved)
    {
        if (topFd < 0)
        {
            return false;
        }

        for (var attempt = 0; attempt < 64; attempt++)
        {
            var target = NullTerminated($".agentexec-deeper-{moved++}");
            fixed (byte* native = target)
            {
                if (Libc.Syscall(X64Syscall.RenameAt2, directoryFd, (nint)name, topFd, (nint)native, RenameNoReplace) == 0)
                {
                    return true;
                }
            }

            if (Libc.LastError != Errno.EEXIST)
            {
                return false;
            }
        }

        // Every name tried is taken (found by a review: the command can make .agentexec-deeper-0 … -63 beforehand, listed
        // after the deep chain). Those entries lie at the top and go in this very pass, so the next pass finds the names
        // free: one more pass, rather than leaving the deep tree behind.
        return true;
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
