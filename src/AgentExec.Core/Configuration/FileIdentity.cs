using System.Globalization;
using System.Runtime.InteropServices;

namespace AgentExec.Core.Configuration;

/// <summary>
/// Which file a path names, and which version of it: device, inode, size and the modification and status-change
/// times, read with one <c>statx(2)</c> that follows links.
/// </summary>
/// <remarks>
/// The status-change time (ctime) moves on every write, rename, link or mode change, and no unprivileged call can set
/// it back; with the device and inode it tells a replaced or rewritten file from the one seen before. Offsets are those
/// of <c>struct statx</c>, the same on every architecture: <c>stx_ino</c> 32, <c>stx_size</c> 40, <c>stx_ctime</c> 96,
/// <c>stx_mtime</c> 112, <c>stx_dev_major</c>/<c>minor</c> 136/140.
/// </remarks>
internal readonly partial record struct FileIdentity(ulong Device, ulong Inode, ulong Size, long ModifiedNanoseconds, long ChangedNanoseconds)
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const uint Wanted = 0x40 | 0x80 | 0x100 | 0x200; // STATX_MTIME | STATX_CTIME | STATX_INO | STATX_SIZE

    /// <summary>The identity of the file <paramref name="path"/> leads to, or null when it cannot be read whole.</summary>
    public static unsafe FileIdentity? TryOf(string path)
    {
        var buffer = stackalloc byte[256];
        if (statx(CurrentDirectory, path, 0, Wanted, buffer) != 0 || (*(uint*)buffer & Wanted) != Wanted)
        {
            return null;
        }

        return new FileIdentity(
            ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140),
            *(ulong*)(buffer + 32),
            *(ulong*)(buffer + 40),
            Nanoseconds(buffer + 112),
            Nanoseconds(buffer + 96));
    }

    /// <summary>The identity in one line, for a cache key.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"dev={Device} ino={Inode} size={Size} mtime={ModifiedNanoseconds} ctime={ChangedNanoseconds}");

    // struct statx_timestamp: s64 tv_sec, u32 tv_nsec.
    private static unsafe long Nanoseconds(byte* timestamp) => (*(long*)timestamp * 1_000_000_000L) + *(uint*)(timestamp + 8);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int directoryDescriptor, string path, int flags, uint mask, byte* buffer);
}
