using System.Diagnostics;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace AgentExec.Core.Audit;

/// <summary>
/// The writers' lock of the audit log: a <c>flock</c> on a separate file beside it (<c>audit.jsonl.lock</c>), never on
/// the log itself, waited for with a deadline.
/// </summary>
/// <remarks>
/// <para>
/// Why a separate file: the log is readable wherever a sandboxed command can see it (Landlock cannot hide it), and
/// <c>flock</c> needs nothing but a read-only descriptor, so a command that locked the log itself stalled every other
/// AgentExec writer sharing it until the command ended. The lock file is created by the server before any command runs
/// (<see cref="JsonLinesAuditLog.Prepare"/>) and bubblewrap hides it (an empty <c>/dev/null</c> stands in its place, a
/// different file, so a lock taken there holds nothing).
/// </para>
/// <para>
/// Why a deadline: Landlock cannot hide any file from a same-uid process (it only narrows what an allowed hierarchy
/// grants, and the launcher grants reading everywhere), and file modes do not help, because the command owns the file
/// and may <c>chmod</c> it back. So under Landlock a command can still hold the lock; a writer then waits at most
/// <see cref="JsonLinesAuditLog.DefaultLockTimeout"/> and fails, and the caller denies with <c>audit_unavailable</c>
/// (fail closed) instead of hanging for as long as the command runs.
/// </para>
/// </remarks>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
internal sealed class AuditLockFile : IDisposable
{
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(50);

    private readonly SafeFileHandle _handle;
    private readonly string _path;

    private AuditLockFile(SafeFileHandle handle, string path)
    {
        _handle = handle;
        _path = path;
    }

    /// <summary>Creates the lock file (and its directory, 0700) when missing, with mode 0600.</summary>
    public static void Create(string lockPath) => AuditFile.CreateOwnerOnlyWithDirectories(lockPath);

    /// <summary>Takes the exclusive lock for one append, creating the lock file when missing.</summary>
    /// <exception cref="IOException">The lock was not free within <paramref name="timeout"/>, or the file cannot be opened.</exception>
    public static AuditLockFile AcquireExclusive(string lockPath, TimeSpan timeout)
    {
        SafeFileHandle handle;
        try
        {
            handle = PosixFileCalls.OpenForReading(lockPath);
        }
        catch (FileNotFoundException)
        {
            Create(lockPath);
            handle = PosixFileCalls.OpenForReading(lockPath);
        }

        return Acquire(handle, lockPath, PosixFileCalls.LockExclusive, timeout);
    }

    /// <summary>Takes the shared lock for a reader, or returns null when there is no lock file (no writer of this version ever wrote).</summary>
    /// <exception cref="IOException">The lock was not free within <paramref name="timeout"/>.</exception>
    public static AuditLockFile? TryAcquireShared(string lockPath, TimeSpan timeout)
    {
        SafeFileHandle handle;
        try
        {
            handle = PosixFileCalls.OpenForReading(lockPath);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        return Acquire(handle, lockPath, PosixFileCalls.LockShared, timeout);
    }

    /// <summary>Releases the lock (closing the descriptor would too; explicit, since a child forked meanwhile may share it).</summary>
    public void Dispose()
    {
        try
        {
            PosixFileCalls.Flock(_handle, PosixFileCalls.Unlock, _path);
        }
        catch (IOException)
        {
            // Closing below drops the lock all the same.
        }

        _handle.Dispose();
    }

    private static AuditLockFile Acquire(SafeFileHandle handle, string lockPath, int operation, TimeSpan timeout)
    {
        try
        {
            var waited = Stopwatch.StartNew();
            var pause = TimeSpan.FromMilliseconds(1);
            while (!PosixFileCalls.TryFlock(handle, operation, lockPath))
            {
                if (waited.Elapsed >= timeout)
                {
                    throw new IOException(
                        $"the audit lock '{lockPath}' was held for more than {timeout.TotalSeconds:0.#} s (by a stopped writer, or a command that can read it: see docs/sandbox.md)");
                }

                Thread.Sleep(pause);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }

            return new AuditLockFile(handle, lockPath);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
