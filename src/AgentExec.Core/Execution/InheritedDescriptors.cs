using System.Globalization;
using System.Runtime.InteropServices;

namespace AgentExec.Core.Execution;

/// <summary>
/// Marks every file descriptor above stderr close-on-exec, so that nothing this process holds — whatever its parent
/// left open without <c>O_CLOEXEC</c>, or a library opened later — reaches a program it starts.
/// </summary>
/// <remarks>
/// <para>
/// Why: a descriptor open for writing lets a sandboxed command write a host file outside every mount, and a directory
/// descriptor lets it reach the host's real tree through <c>/proc/self/fd/N/..</c>. bubblewrap does not close what it
/// inherits, and neither does .NET's <c>Process.Start</c>; the child sees exactly the descriptors that are not
/// close-on-exec at its <c>execve</c>.
/// </para>
/// <para>
/// Close-on-exec rather than close: the descriptors stay valid in this process (the runtime's own ones included), and
/// only an <c>execve</c> drops them. <c>close_range(3, ~0U, CLOSE_RANGE_CLOEXEC)</c> does it in one call (Linux 5.11);
/// older kernels get the same result by walking <c>/proc/self/fd</c> with <c>fcntl</c>. The three standard descriptors
/// are left alone: the child's stdin, stdout and stderr are set up explicitly by whoever starts it.
/// </para>
/// <para>
/// Linux only: elsewhere only <c>danger-full-access</c> is offered (SPEC.md "Sandbox"), and there is no sandbox to
/// escape from, so <see cref="MarkCloseOnExec"/> reports success without doing anything.
/// </para>
/// </remarks>
internal static partial class InheritedDescriptors
{
    /// <summary>The first descriptor above stdin, stdout and stderr.</summary>
    public const int FirstBeyondStandard = 3;

    // close_range flag: mark close-on-exec instead of closing (linux/close_range.h, Linux 5.11).
    private const nint CloseRangeCloexec = 1 << 2;

    // fcntl commands and flag (asm-generic/fcntl.h; the same on every Linux architecture .NET runs on).
    private const int GetDescriptorFlags = 1;
    private const int SetDescriptorFlags = 2;
    private const int CloseOnExecFlag = 1;

    /// <summary>
    /// Marks every descriptor from <see cref="FirstBeyondStandard"/> up close-on-exec. Returns null on success, or why it
    /// could not be done (then the caller must not start anything).
    /// </summary>
    public static string? MarkCloseOnExec()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        if (Libc.Syscall(X64Syscall.CloseRange, FirstBeyondStandard, unchecked((nint)uint.MaxValue), CloseRangeCloexec, 0, 0) == 0)
        {
            return null;
        }

        var closeRangeError = Libc.LastError;
        return MarkEachCloseOnExec() is { } walkError
            ? $"cannot mark inherited descriptors close-on-exec: close_range failed ({Libc.Describe(closeRangeError)}) and {walkError}"
            : null;
    }

    /// <summary>The fallback for kernels without <c>CLOSE_RANGE_CLOEXEC</c>: each open descriptor, one by one.</summary>
    private static string? MarkEachCloseOnExec()
    {
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries("/proc/self/fd");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"/proc/self/fd cannot be listed ({exception.Message})";
        }

        foreach (var entry in entries)
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var descriptor)
                || descriptor < FirstBeyondStandard)
            {
                continue;
            }

            var flags = Fcntl(descriptor, GetDescriptorFlags, 0);
            if (flags < 0)
            {
                // The directory listing's own descriptor, closed by now; any other one that closed cannot leak either.
                if (Marshal.GetLastPInvokeError() == Errno.EBADF)
                {
                    continue;
                }

                return $"fcntl({descriptor}, F_GETFD) failed ({Libc.Describe(Marshal.GetLastPInvokeError())})";
            }

            if ((flags & CloseOnExecFlag) == 0 && Fcntl(descriptor, SetDescriptorFlags, flags | CloseOnExecFlag) < 0)
            {
                return $"fcntl({descriptor}, F_SETFD) failed ({Libc.Describe(Marshal.GetLastPInvokeError())})";
            }
        }

        return null;
    }

    // fcntl is variadic in C; its third argument is an int for these commands, passed in the same register either way
    // on the System V and AAPCS64 Linux ABIs.
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int descriptor, int command, int argument);
}
