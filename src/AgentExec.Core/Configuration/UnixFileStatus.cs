using System.Runtime.InteropServices;

namespace AgentExec.Core.Configuration;

/// <summary>The type, permission bits and owner of one file, read with <c>statx(2)</c> (Linux).</summary>
/// <param name="Owner">The owner's uid.</param>
/// <param name="Mode">The whole <c>st_mode</c>: type and permission bits.</param>
/// <remarks>
/// .NET tells neither a file's type beyond file, directory and link, nor its owner; both matter where a path the agent
/// controls is about to be opened or trusted. <c>struct statx</c> has one layout on every architecture, so it is read
/// at fixed offsets: <c>stx_mask</c> at 0, <c>stx_nlink</c> at 16, <c>stx_uid</c> at 20, <c>stx_mode</c> at 28,
/// <c>stx_ino</c> at 32, <c>stx_dev_major</c> and <c>stx_dev_minor</c> at 136 and 140.
/// </remarks>
internal readonly partial record struct UnixFileStatus(uint Owner, int Mode)
{
    private const int TypeMask = 0xF000;
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const int NoFollow = 0x100; // AT_SYMLINK_NOFOLLOW
    private const int EmptyPath = 0x1000; // AT_EMPTY_PATH
    private const uint Wanted = 0x1 | 0x2 | 0x8; // STATX_TYPE | STATX_MODE | STATX_UID
    private const uint LinkCountWanted = 0x4; // STATX_NLINK: asked for, used when reported
    private const uint InodeWanted = 0x100; // STATX_INO: asked for, used when reported

    /// <summary>True for a directory.</summary>
    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    /// <summary>True for a regular file.</summary>
    public bool IsRegularFile => (Mode & TypeMask) == 0x8000;

    /// <summary>True for a FIFO or a socket: opening or reading one waits for a peer that may never come.</summary>
    public bool IsFifoOrSocket => (Mode & TypeMask) is 0x1000 or 0xC000;

    /// <summary>True for a symbolic link (only a status read without following a final link can be one).</summary>
    public bool IsSymbolicLink => (Mode & TypeMask) == 0xA000;

    /// <summary>How many names (hard links) the file has; 0 when the file system did not say.</summary>
    public uint LinkCount { get; init; }

    /// <summary>The file's identity (device and inode), the same for each of its names; null when not reported.</summary>
    public (ulong Device, ulong Inode)? Identity { get; init; }

    /// <summary>The permission bits (<c>07777</c>).</summary>
    public int Permissions => Mode & 0xFFF;

    /// <summary>The status of <paramref name="path"/> itself, a final link not followed.</summary>
    /// <exception cref="IOException">It cannot be examined.</exception>
    public static UnixFileStatus OfPath(string path) => Read(CurrentDirectory, path, NoFollow, path);

    /// <summary>The status of what <paramref name="handle"/> is open on (an <c>O_PATH</c> handle too).</summary>
    /// <exception cref="IOException">It cannot be examined.</exception>
    public static UnixFileStatus Of(SafeHandle handle, string name)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return Read((int)handle.DangerousGetHandle(), string.Empty, EmptyPath, name);
    }

    /// <summary>
    /// The status of <paramref name="name"/> itself (a NUL-terminated UTF-8 path, a final link not followed) without an
    /// exception: for a caller that must tell a missing entry from other failures and has encoded the name already.
    /// </summary>
    /// <returns>0 with <paramref name="status"/> set; otherwise the errno of <c>statx(2)</c>, or -1 when the file system
    /// did not report the type, mode and owner.</returns>
    internal static unsafe int TryOfName(byte* name, out UnixFileStatus status)
    {
        var buffer = stackalloc byte[256];
        status = default;
        if (statx(CurrentDirectory, name, NoFollow, Wanted | LinkCountWanted | InodeWanted, buffer) != 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        return TryParse(buffer, out status) ? 0 : -1;
    }

    private static unsafe UnixFileStatus Read(int directory, string path, int flags, string name)
    {
        var buffer = stackalloc byte[256];
        if (statx(directory, path, flags, Wanted | LinkCountWanted | InodeWanted, buffer) != 0)
        {
            throw new IOException($"{name} cannot be examined: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return TryParse(buffer, out var status)
            ? status
            : throw new IOException($"{name} cannot be examined: the file system did not report its type, mode and owner");
    }

    // The one place that knows struct statx's layout.
    private static unsafe bool TryParse(byte* buffer, out UnixFileStatus status)
    {
        var mask = *(uint*)buffer;
        var complete = (mask & Wanted) == Wanted;
        status = complete
            ? new UnixFileStatus(*(uint*)(buffer + 20), *(ushort*)(buffer + 28))
            {
                LinkCount = (mask & LinkCountWanted) != 0 ? *(uint*)(buffer + 16) : 0,
                Identity = (mask & InodeWanted) != 0 ? (((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140), *(ulong*)(buffer + 32)) : null,
            }
            : default;
        return complete;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int directoryDescriptor, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static unsafe partial int statx(int directoryDescriptor, byte* path, int flags, uint mask, byte* buffer);
}
