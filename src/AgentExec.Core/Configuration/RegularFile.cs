using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AgentExec.Core.Configuration;

/// <summary>Opens a file the agent may have replaced with something that is not a file, only if it is a regular file.</summary>
/// <remarks>
/// <para>
/// .NET opens without <c>O_NONBLOCK</c>, and opening a FIFO for reading then waits for a writer forever: a FIFO planted
/// where a configuration include points, or exchanged for the workspace's <c>agentexec.json</c> between a check and the
/// open, hung every later check (an attack hung <c>agentexec run</c> for good that way). So the file is opened through
/// libc with <c>O_NONBLOCK</c> (no effect on a regular file).
/// </para>
/// <para>
/// On Linux nothing but a regular file is ever really opened: opening a device runs its driver (a watchdog starts its
/// timer, a tape rewinds), and a path can be a link to anything in <c>/dev</c>. So the path is first opened with
/// <c>O_PATH</c>, which opens nothing, its type is read from that descriptor, and only a regular file is reopened for
/// reading, through <c>/proc/self/fd</c>, which names that very inode: no swap can come in between.
/// </para>
/// </remarks>
internal static partial class RegularFile
{
    private const int Interrupted = 4; // EINTR, the same on Linux and macOS.
    private const int NoSuchFile = 2; // ENOENT
    private const int NotADirectory = 20; // ENOTDIR
    private const int PermissionDenied = 13; // EACCES

    // O_RDONLY | O_NONBLOCK | O_CLOEXEC: the generic Linux values (every .NET-supported architecture uses them) or macOS's.
    private static int Flags => OperatingSystem.IsMacOS() ? 0x4 | 0x100_0000 : 0x800 | 0x8_0000;

    /// <summary>
    /// Opens <paramref name="path"/> (links followed) for reading when it is a regular file. True with a null handle when
    /// nothing is there or a directory on the way is missing (no exception: most files checked are usually absent, and
    /// throwing costs more than the rest of the check); false when something other than a regular file is there.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">Permission is denied.</exception>
    /// <exception cref="IOException">It cannot be opened otherwise.</exception>
    public static bool TryOpenForReading(string path, out SafeFileHandle? handle)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            handle = File.Exists(path) ? File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete) : null;
            return true;
        }

        if (!OperatingSystem.IsLinux())
        {
            handle = OpenOrNull(path, Flags);
            return true;
        }

        // O_PATH | O_CLOEXEC: a handle on the inode that opens nothing, then its type, then the real open of that inode.
        handle = null;
        using var located = OpenOrNull(path, 0x20_0000 | 0x8_0000);
        if (located is null)
        {
            return true;
        }

        if (!UnixFileStatus.Of(located, path).IsRegularFile)
        {
            return false;
        }

        // O_NOCTTY as well: whatever this is, it never becomes the server's terminal.
        handle = OpenOrNull(string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{located.DangerousGetHandle()}"), Flags | 0x100)
            ?? throw new IOException($"{path} disappeared while being read");
        return true;
    }

    private static SafeFileHandle? OpenOrNull(string path, int flags)
    {
        int fd;
        int error;
        do
        {
            // No O_CREAT, so the variadic mode argument is never read: passing it as a fixed argument is safe on every ABI.
            fd = open(path, flags, 0);
            error = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (fd < 0 && error == Interrupted);

        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        if (error is NoSuchFile or NotADirectory)
        {
            return null;
        }

        var message = $"open '{path}' failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})";
        throw error == PermissionDenied ? new UnauthorizedAccessException(message) : new IOException(message);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);
}
