namespace AgentExec.Core.Sandbox;

/// <summary>
/// Landlock's access rights and scopes (<c>include/uapi/linux/landlock.h</c>), and which of them each ABI version
/// knows. The ABI that introduced a right is given beside it.
/// </summary>
/// <remarks>
/// A ruleset may only name rights its kernel knows (else <c>EINVAL</c>), so the launcher handles exactly the rights of
/// the running ABI: every one of them, because a right that is not handled is not restricted at all.
/// </remarks>
internal static class LandlockRights
{
    /// <summary>The newest ABI whose rights this code knows; newer kernels are used at this level.</summary>
    public const int NewestKnownAbi = 9;

    /// <summary>The first ABI that can tell a host's Unix socket by path from the sandbox's own (<see cref="ResolveUnix"/>).</summary>
    public const int ResolveUnixAbi = 9;

    /// <summary>Execute a file (ABI 1).</summary>
    public const ulong Execute = 1UL << 0;

    /// <summary>Open a file for writing (ABI 1).</summary>
    public const ulong WriteFile = 1UL << 1;

    /// <summary>Open a file for reading (ABI 1).</summary>
    public const ulong ReadFile = 1UL << 2;

    /// <summary>List a directory (ABI 1).</summary>
    public const ulong ReadDir = 1UL << 3;

    /// <summary>Remove an empty directory or rename one away (ABI 1).</summary>
    public const ulong RemoveDir = 1UL << 4;

    /// <summary>Unlink or rename away a file (ABI 1).</summary>
    public const ulong RemoveFile = 1UL << 5;

    /// <summary>Create a character device (ABI 1).</summary>
    public const ulong MakeChar = 1UL << 6;

    /// <summary>Create a directory (ABI 1).</summary>
    public const ulong MakeDir = 1UL << 7;

    /// <summary>Create a regular file (ABI 1).</summary>
    public const ulong MakeReg = 1UL << 8;

    /// <summary>Create a Unix socket file (ABI 1).</summary>
    public const ulong MakeSock = 1UL << 9;

    /// <summary>Create a named pipe (ABI 1).</summary>
    public const ulong MakeFifo = 1UL << 10;

    /// <summary>Create a block device (ABI 1).</summary>
    public const ulong MakeBlock = 1UL << 11;

    /// <summary>Create a symbolic link (ABI 1).</summary>
    public const ulong MakeSym = 1UL << 12;

    /// <summary>Link or rename a file into another directory (ABI 2; always denied on ABI 1).</summary>
    public const ulong Refer = 1UL << 13;

    /// <summary>Truncate a file: <c>truncate</c>, <c>ftruncate</c>, <c>O_TRUNC</c> (ABI 3; unrestricted before).</summary>
    public const ulong Truncate = 1UL << 14;

    /// <summary>ioctl on a device file opened inside the sandbox (ABI 5).</summary>
    public const ulong IoctlDev = 1UL << 15;

    /// <summary>Connect or send to a Unix socket by path (ABI 9).</summary>
    public const ulong ResolveUnix = 1UL << 16;

    /// <summary>Bind a TCP port (ABI 4).</summary>
    public const ulong NetBindTcp = 1UL << 0;

    /// <summary>Connect to a TCP port (ABI 4).</summary>
    public const ulong NetConnectTcp = 1UL << 1;

    /// <summary>Scope: no connecting to abstract Unix sockets created outside the domain (ABI 6).</summary>
    public const ulong ScopeAbstractUnixSocket = 1UL << 0;

    /// <summary>Scope: no signals to processes outside the domain, the launcher and agentexec included (ABI 6).</summary>
    public const ulong ScopeSignal = 1UL << 1;

    /// <summary>What read-only means: read files, list directories, run programs.</summary>
    public const ulong ReadAndExecute = ReadFile | ReadDir | Execute;

    /// <summary>The rights a rule on a non-directory may carry; the kernel rejects directory-only rights on a file.</summary>
    public const ulong ApplicableToFiles = Execute | WriteFile | ReadFile | Truncate | IoctlDev;

    /// <summary>Every file-system right the given ABI knows: the set a ruleset handles, and a writable root is given.</summary>
    public static ulong FileSystem(int abi)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(abi, 1);
        var rights = Execute | WriteFile | ReadFile | ReadDir | RemoveDir | RemoveFile | MakeChar | MakeDir | MakeReg
            | MakeSock | MakeFifo | MakeBlock | MakeSym;
        if (abi >= 2)
        {
            rights |= Refer;
        }

        if (abi >= 3)
        {
            rights |= Truncate;
        }

        if (abi >= 5)
        {
            rights |= IoctlDev;
        }

        if (abi >= ResolveUnixAbi)
        {
            rights |= ResolveUnix;
        }

        return rights;
    }

    /// <summary>
    /// The network rights to handle: both TCP rights, with no rule granting them, when the network is off and the ABI
    /// has them (4+). This is defence in depth; the seccomp filter is what refuses IP sockets on every ABI.
    /// </summary>
    public static ulong Network(int abi, bool networkAllowed) => networkAllowed || abi < 4 ? 0 : NetBindTcp | NetConnectTcp;

    /// <summary>The IPC scopes to restrict (ABI 6+): abstract Unix sockets and signals outside the sandbox.</summary>
    public static ulong Scopes(int abi) => abi >= 6 ? ScopeAbstractUnixSocket | ScopeSignal : 0;
}
