using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AgentExec.Tests.Core.Audit;

/// <summary>A test's own probe of a flock: try, never wait, so a test can tell "held by someone else" without timing.</summary>
internal static class NonBlockingFlock
{
    private const int LockExclusive = 2;
    private const int NonBlocking = 4;
    private const int Unlock = 8;

    public static bool TryLockExclusive(SafeFileHandle handle) => flock(handle, LockExclusive | NonBlocking) == 0;

    public static bool Release(SafeFileHandle handle) => flock(handle, Unlock) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int flock(SafeFileHandle fd, int operation);
}
