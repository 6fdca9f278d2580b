using System.Runtime.InteropServices;

namespace AgentExec.Core.Execution;

/// <summary>The C library functions and raw system calls the Landlock launcher needs (Linux, glibc, x86_64).</summary>
/// <remarks>
/// <para>
/// <c>syscall(2)</c> and <c>prctl(2)</c> are variadic in C. On x86_64 (System V) a variadic call passes integer
/// arguments in the same registers as a fixed one, and glibc's <c>syscall</c> is an assembly stub that only moves
/// registers, so a fixed-arity import is exact there. Every kernel call goes through <see cref="Syscall"/> with an
/// explicit number rather than a libc wrapper, because glibc 2.36 (Debian 12) has no Landlock wrappers and its
/// <c>prctl</c> wrapper is variadic too.
/// </para>
/// <para>
/// "libc" resolves to <c>libc.so.6</c>: the runtime maps that name on Linux both under the JIT and under Native AOT.
/// Every import that reports failure through <c>errno</c> sets <c>SetLastError</c>, so the caller reads
/// <see cref="Marshal.GetLastPInvokeError"/> and never a value some other call overwrote.
/// </para>
/// </remarks>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    /// <summary><c>syscall(number, …)</c>: returns the kernel's result, or -1 with errno set.</summary>
    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    public static partial nint Syscall(nint number, nint arg1, nint arg2, nint arg3, nint arg4, nint arg5);

    /// <summary><c>waitpid(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    /// <summary><c>kill(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary><c>getpid(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "getpid")]
    public static partial int GetPid();

    /// <summary><c>gettid(2)</c>: the calling thread's kernel id, equal to <see cref="GetPid"/> on the process's first thread.</summary>
    [LibraryImport(Library, EntryPoint = "gettid")]
    public static partial int GetTid();

    /// <summary><c>geteuid(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    /// <summary><c>signal(2)</c>: sets a disposition (<see cref="SignalIgnore"/>) and returns the old one.</summary>
    [LibraryImport(Library, EntryPoint = "signal", SetLastError = true)]
    public static partial nint Signal(int signal, nint handler);

    /// <summary><c>write(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    /// <summary><c>openat(2)</c> with a mode (the C function is variadic in its last argument; see the remarks).</summary>
    [LibraryImport(Library, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int directoryFd, string path, int flags, uint mode);

    /// <summary><c>openat(2)</c> with a raw (NUL-terminated, possibly non-UTF-8) name, as <see cref="ReadDir"/> returns it.</summary>
    [LibraryImport(Library, EntryPoint = "openat", SetLastError = true)]
    public static partial int OpenAt(int directoryFd, byte* path, int flags, uint mode);

    /// <summary><c>close(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary><c>mkdirat(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MkdirAt(int directoryFd, string name, uint mode);

    /// <summary><c>unlinkat(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(int directoryFd, string name, int flags);

    /// <summary><c>unlinkat(2)</c> with a raw (NUL-terminated, possibly non-UTF-8) name.</summary>
    [LibraryImport(Library, EntryPoint = "unlinkat", SetLastError = true)]
    public static partial int UnlinkAt(int directoryFd, byte* name, int flags);

    /// <summary><c>fchmodat(2)</c> with a raw (NUL-terminated, possibly non-UTF-8) name.</summary>
    [LibraryImport(Library, EntryPoint = "fchmodat", SetLastError = true)]
    public static partial int FchmodAt(int directoryFd, byte* name, uint mode, int flags);

    /// <summary><c>fdopendir(3)</c>: takes ownership of <paramref name="fd"/>.</summary>
    [LibraryImport(Library, EntryPoint = "fdopendir", SetLastError = true)]
    public static partial nint FdOpenDir(int fd);

    /// <summary><c>readdir64(3)</c>: the next entry, or null at the end (errno unchanged) or on error (errno set).</summary>
    [LibraryImport(Library, EntryPoint = "readdir64", SetLastError = true)]
    public static partial byte* ReadDir(nint directory);

    /// <summary><c>closedir(3)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "closedir", SetLastError = true)]
    public static partial int CloseDir(nint directory);

    /// <summary><c>posix_spawnp(3)</c>: returns 0 or an error number (not through errno).</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawnp")]
    public static partial int PosixSpawnP(int* pid, byte* file, void* fileActions, void* attributes, byte** argv, byte** envp);

    /// <summary><c>posix_spawnattr_init(3)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawnattr_init")]
    public static partial int PosixSpawnAttrInit(void* attributes);

    /// <summary><c>posix_spawnattr_destroy(3)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int PosixSpawnAttrDestroy(void* attributes);

    /// <summary><c>posix_spawnattr_setflags(3)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int PosixSpawnAttrSetFlags(void* attributes, short flags);

    /// <summary><c>posix_spawnattr_setsigdefault(3)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int PosixSpawnAttrSetSigDefault(void* attributes, void* signals);

    /// <summary><c>posix_spawnattr_setsigmask(3)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int PosixSpawnAttrSetSigMask(void* attributes, void* signals);

    /// <summary><c>sigfillset(3)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "sigfillset")]
    public static partial int SigFillSet(void* signals);

    /// <summary><c>sigemptyset(3)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "sigemptyset")]
    public static partial int SigEmptySet(void* signals);

    /// <summary>The disposition <c>SIG_IGN</c>: <c>((void (*)(int)) 1)</c>.</summary>
    public const nint SignalIgnore = 1;

    /// <summary>The disposition <c>SIG_ERR</c> that <see cref="Signal"/> returns on failure.</summary>
    public const nint SignalError = -1;

    /// <summary>The errno of the last import that set it.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();

    /// <summary><c>strerror</c> for <paramref name="errno"/>, with its symbolic number, e.g. "Operation not permitted (errno 1)".</summary>
    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    /// <summary>
    /// Writes <paramref name="line"/> and a newline to file descriptor 2 with <c>write(2)</c>, retrying short and
    /// interrupted writes; a failed write is dropped. For the re-executed modes of the binary (the Landlock launcher, the
    /// egress bridge), which must not touch <c>System.Console</c>: it would install the runtime's <c>SIGCHLD</c>
    /// handling and reap their command behind their back.
    /// </summary>
    public static void WriteLineToStandardError(string line)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
        fixed (byte* buffer = bytes)
        {
            var written = 0;
            while (written < bytes.Length)
            {
                var result = Write(2, buffer + written, (nuint)(bytes.Length - written));
                if (result <= 0 && LastError != Errno.EINTR)
                {
                    return;
                }

                written += (int)Math.Max(result, 0);
            }
        }
    }
}
