using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace AgentExec.Core.Audit;

/// <summary>The few libc calls the audit file needs and .NET does not offer: open without .NET's own lock, flock, fsync.</summary>
/// <remarks>
/// Why not <see cref="FileStream"/>: on Unix, .NET takes <c>flock(LOCK_SH | LOCK_NB)</c> on every file it opens with a
/// sharing mode, and throws "used by another process" when another writer holds <c>LOCK_EX</c> at that moment, so a
/// second process would fail to open the log exactly while the first one appends. It also never opens with
/// <c>O_APPEND</c>. Opening through libc avoids both; the handle is then used with <see cref="RandomAccess"/>.
/// </remarks>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
internal static partial class PosixFileCalls
{
    public const int LockShared = 1;
    public const int LockExclusive = 2;
    public const int Unlock = 8;

    /// <summary>Or-ed into a lock operation: fail at once (<c>EWOULDBLOCK</c>) instead of waiting.</summary>
    public const int NonBlocking = 4;

    private const int ReadOnly = 0;
    private const int ReadWrite = 2;
    private const int Interrupted = 4; // EINTR, the same on Linux and macOS.

    /// <summary>True where the flag values below are known; elsewhere the audit log refuses to start.</summary>
    [SupportedOSPlatformGuard("linux")]
    [SupportedOSPlatformGuard("macos")]
    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    // O_APPEND and O_CLOEXEC differ between Linux (the generic values every .NET-supported architecture uses) and macOS.
    // O_CLOEXEC matters: a command we start must never inherit a descriptor of the audit log.
    private static int AppendFlag => OperatingSystem.IsMacOS() ? 0x8 : 0x400;

    // EWOULDBLOCK (EAGAIN): 11 on Linux, 35 on macOS.
    private static int WouldBlock => OperatingSystem.IsMacOS() ? 35 : 11;

    // O_NONBLOCK: a FIFO planted where the log or its lock file belongs (a writable root under Landlock) must fail an
    // append, never block the server in open or read for good. On a regular file it matters only where a lease is
    // held: the open then fails at once instead of waiting out the lease (JsonLinesAuditLog keeps the log open for
    // writing so that no command can take one).
    private static int NonBlockingOpenFlag => OperatingSystem.IsMacOS() ? 0x4 : 0x800;

    private static int CloseOnExecFlag => OperatingSystem.IsMacOS() ? 0x100_0000 : 0x8_0000;

    /// <summary>Opens an existing file for reading and appending (<c>O_RDWR | O_APPEND | O_CLOEXEC</c>).</summary>
    public static SafeFileHandle OpenForAppend(string path) => Open(path, ReadWrite | AppendFlag | CloseOnExecFlag | NonBlockingOpenFlag);

    /// <summary>Opens an existing file or directory for reading (<c>O_RDONLY | O_CLOEXEC</c>).</summary>
    public static SafeFileHandle OpenForReading(string path) => Open(path, ReadOnly | CloseOnExecFlag | NonBlockingOpenFlag);

    /// <summary>Waits for a <c>flock</c> operation (<see cref="LockShared"/>, <see cref="LockExclusive"/>, <see cref="Unlock"/>).</summary>
    public static void Flock(SafeFileHandle handle, int operation, string path)
    {
        while (flock(handle, operation) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error != Interrupted)
            {
                throw Failure(error, operation == Unlock ? "flock(LOCK_UN)" : "flock", path);
            }
        }
    }

    /// <summary>Tries a <c>flock</c> operation once without waiting; false when another description holds a conflicting lock.</summary>
    public static bool TryFlock(SafeFileHandle handle, int operation, string path)
    {
        while (flock(handle, operation | NonBlocking) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error == WouldBlock)
            {
                return false;
            }

            if (error != Interrupted)
            {
                throw Failure(error, "flock", path);
            }
        }

        return true;
    }

    /// <summary>Flushes the file's data and metadata to the device (<c>fsync</c>).</summary>
    public static void FlushToDisk(SafeFileHandle handle, string path)
    {
        while (fsync(handle) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error != Interrupted)
            {
                throw Failure(error, "fsync", path);
            }
        }
    }

    private static SafeFileHandle Open(string path, int flags)
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

        if (fd < 0)
        {
            throw error == 2 // ENOENT
                ? new FileNotFoundException($"The audit log '{path}' does not exist.", path)
                : Failure(error, "open", path);
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private static IOException Failure(int error, string operation, string path) =>
        new($"{operation} '{path}' failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})");

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int flock(SafeFileHandle fd, int operation);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(SafeFileHandle fd);
}
