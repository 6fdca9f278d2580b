namespace AgentExec.Core.Execution;

/// <summary>
/// Gives the calling thread a new, empty session keyring, so that a program it starts inherits that one and not the
/// keyring AgentExec itself was started with.
/// </summary>
/// <remarks>
/// <para>
/// Why: the kernel's keyrings are no files, so no mount hides them, and a child inherits its parent's session keyring.
/// A login session's keyring (pam_keyinit) holds what the user's tools keep there: Kerberos tickets of a
/// <c>KEYRING:session</c> cache, keys added with <c>keyctl … @s</c>. An attack read such a key from a bubblewrap sandbox,
/// as an unprivileged user too: bubblewrap's user namespace gives the command a user keyring of its own, but not a
/// session keyring of its own. (Landlock's seccomp filter refuses the keyring calls altogether.)
/// </para>
/// <para>
/// A fresh one right before each start, on the thread that starts it (the session keyring is part of a thread's
/// credentials, which a forked child copies): commands never share one, so none can leave a key for a later command.
/// <c>ENOSYS</c> (a kernel without keyrings) leaves nothing to hide, nor does a seccomp filter that refuses the keyring
/// calls altogether (the command inherits it); any other failure stops the start.
/// </para>
/// </remarks>
internal static class SessionKeyring
{
    // keyctl operation (linux/keyctl.h): join the named session keyring, or with a null name make a new anonymous one.
    private const nint JoinSessionKeyring = 1;

    // keyctl operation: the id of a special keyring (without creating it), and the session keyring's special id.
    private const nint GetKeyringId = 0;
    private const nint SessionKeyringId = -3;

    // keyctl's number on arm64 (the generic table, include/uapi/asm-generic/unistd.h); x86_64's is X64Syscall.KeyControl.
    private const int Arm64KeyControl = 219;

    /// <summary>Replaces the calling thread's session keyring with a new, empty one; null on success, else why not.</summary>
    public static string? JoinNewOnCallingThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var keyControl = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => X64Syscall.KeyControl,
            System.Runtime.InteropServices.Architecture.Arm64 => Arm64KeyControl,
            var other => throw new PlatformNotSupportedException($"the keyctl system call's number on {other} is not known"),
        };
        if (Libc.Syscall(keyControl, JoinSessionKeyring, 0, 0, 0, 0) >= 0)
        {
            return null;
        }

        var error = Libc.LastError;
        if (error == Errno.ENOSYS)
        {
            return null;
        }

        // A seccomp filter that refuses keyctl altogether (a container runtime's default profile answers EPERM) refuses
        // it to the command as well, which inherits the filter: nothing to hide then. Told apart from a refusal of this
        // request alone (a full key quota) by the plainest read there is, the session keyring's id, which succeeds
        // wherever the keyrings are reachable.
        if (Libc.Syscall(keyControl, GetKeyringId, SessionKeyringId, 0, 0, 0) < 0 && Libc.LastError == error)
        {
            return null;
        }

        return $"a new session keyring for the command could not be made (errno {error}), so that it would inherit AgentExec's own; nothing was started";
    }
}
