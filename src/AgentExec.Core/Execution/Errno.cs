namespace AgentExec.Core.Execution;

/// <summary>The <c>errno</c> values the launcher tells apart (<c>asm-generic/errno-base.h</c>, <c>errno.h</c>).</summary>
internal static class Errno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;

    /// <summary>Interrupted system call: retry.</summary>
    public const int EINTR = 4;

    /// <summary>Bad file descriptor: it was closed meanwhile.</summary>
    public const int EBADF = 9;

    /// <summary>No child processes: nothing is left to wait for.</summary>
    public const int ECHILD = 10;

    /// <summary>Permission denied: what the filter answers for a refused socket or truncation.</summary>
    public const int EACCES = 13;

    /// <summary>File exists (a name taken, as <c>renameat2</c> with <c>RENAME_NOREPLACE</c> reports it).</summary>
    public const int EEXIST = 17;

    /// <summary>Is a directory: <c>unlinkat</c> without <c>AT_REMOVEDIR</c> on a directory.</summary>
    public const int EISDIR = 21;

    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;

    /// <summary>Function not implemented: the kernel lacks the system call (Landlock compiled out).</summary>
    public const int ENOSYS = 38;

    /// <summary>
    /// Operation not supported: Landlock is built in but not enabled at boot; what the filter answers for extended
    /// attributes, which tools read as "this file system has none".
    /// </summary>
    public const int EOPNOTSUPP = 95;
}
