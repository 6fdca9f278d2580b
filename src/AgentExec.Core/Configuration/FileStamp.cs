using System.Runtime.InteropServices;

namespace AgentExec.Core.Configuration;

/// <summary>
/// Which version of a file a path names now: device, inode, size, modification and change time (nanoseconds), from one
/// <c>statx(2)</c> that follows links. Two different stamps mean a changed or replaced file; two equal stamps do not
/// prove an unchanged one.
/// </summary>
/// <remarks>
/// A rewrite, truncation, rename over it or replacement changes the inode, the size or the change time, and the change
/// time cannot be set by the file's owner (<c>utimensat</c> sets it to now). But a write through a shared mapping whose
/// page is already dirty changes neither the size nor any time until the page is written back: so a stamp may only key
/// what a wrong "unchanged" cannot make unsafe (BubblewrapTrialCache: which binaries a sandbox trial ran), never what
/// is derived from a file the agent can write (ContentMemory compares the bytes instead).
/// </remarks>
/// <param name="Device">The device (major, minor) the file is on.</param>
/// <param name="Inode">The inode number.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Modified">The modification time, nanoseconds since the epoch.</param>
/// <param name="Changed">The status change time, nanoseconds since the epoch.</param>
internal readonly partial record struct FileStamp(ulong Device, ulong Inode, long Size, long Modified, long Changed)
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const int TypeMask = 0xF000;
    private const int DirectoryType = 0x4000;

    // STATX_TYPE | STATX_MTIME | STATX_CTIME | STATX_INO | STATX_SIZE; the device is always reported.
    private const uint Wanted = 0x1 | 0x40 | 0x80 | 0x100 | 0x200;

    /// <summary>
    /// The stamp of the file <paramref name="path"/> names (links followed), or null when there is none: nothing there, a
    /// directory (as <see cref="FileInfo.Exists"/> says), a path that cannot be examined, or a file system that does
    /// not report every field (then nothing may be remembered).
    /// </summary>
    public static unsafe FileStamp? Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux() || path.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        // struct statx has one layout on every architecture: mask at 0, mode at 28, ino at 32, size at 40, ctime at 96,
        // mtime at 112, dev_major and dev_minor at 136 and 140 (statx(2)).
        var buffer = stackalloc byte[256];
        if (statx(CurrentDirectory, path, 0, Wanted, buffer) != 0)
        {
            return null;
        }

        if ((*(uint*)buffer & Wanted) != Wanted)
        {
            return null;
        }

        var mode = *(ushort*)(buffer + 28);
        if ((mode & TypeMask) == DirectoryType)
        {
            return null;
        }

        return new FileStamp(
            Device: ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140),
            Inode: *(ulong*)(buffer + 32),
            Size: *(long*)(buffer + 40),
            Modified: Nanoseconds(buffer + 112),
            Changed: Nanoseconds(buffer + 96));
    }

    // struct statx_timestamp: a signed 64-bit second count, then an unsigned 32-bit nanosecond count.
    private static unsafe long Nanoseconds(byte* timestamp) => (*(long*)timestamp * 1_000_000_000L) + *(uint*)(timestamp + 8);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int directoryDescriptor, string path, int flags, uint mask, byte* buffer);
}
