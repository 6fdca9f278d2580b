using AgentExec.Core.Execution;
namespace AgentExec.Core.Sandbox;

/// <summary>A Landlock ruleset being built: created with what it handles, given rules, then enforced on one thread.</summary>
internal sealed unsafe class LandlockRuleset : IDisposable
{
    // landlock_create_ruleset flag: return the ABI version instead of creating a ruleset (attr NULL, size 0).
    private const nint CreateRulesetVersion = 1 << 0;

    // landlock_add_rule's rule type for a file hierarchy (enum landlock_rule_type).
    private const nint RulePathBeneath = 1;

    // openat2's RESOLVE_NO_SYMLINKS (linux/openat2.h), and the ELOOP it fails with when the walk meets a link.
    private const ulong ResolveNoSymlinks = 0x04;
    private const int LinkMet = 40;

    private int _fd;

    private LandlockRuleset(int fd)
    {
        _fd = fd;
    }

    /// <summary>The kernel's Landlock ABI version, or a negative errno (ENOSYS: not built in; EOPNOTSUPP: not enabled at boot).</summary>
    public static int ProbeAbi()
    {
        var abi = Libc.Syscall(X64Syscall.LandlockCreateRuleset, 0, 0, CreateRulesetVersion, 0, 0);
        return abi < 0 ? -Libc.LastError : (int)abi;
    }

    /// <summary>Creates a ruleset that restricts everything in <paramref name="attr"/> until rules grant it back.</summary>
    /// <exception cref="LandlockSetupException">The kernel refused.</exception>
    public static LandlockRuleset Create(LandlockRulesetAttr attr)
    {
        var fd = Libc.Syscall(X64Syscall.LandlockCreateRuleset, (nint)(&attr), sizeof(LandlockRulesetAttr), 0, 0, 0);
        if (fd < 0)
        {
            throw new LandlockSetupException($"landlock_create_ruleset failed: {Libc.Describe(Libc.LastError)}");
        }

        return new LandlockRuleset((int)fd);
    }

    /// <summary>Grants <paramref name="access"/> beneath <paramref name="path"/>, which must be a directory.</summary>
    /// <exception cref="LandlockSetupException">The directory cannot be opened, or the kernel refused the rule.</exception>
    public void AllowDirectory(string path, ulong access) => Allow(path, access, LinuxOpenFlags.Directory, optional: false);

    /// <summary>
    /// Grants <paramref name="access"/> beneath the directory <paramref name="path"/> only when the kernel reaches it
    /// without meeting a symbolic link (<c>openat2</c> with <c>RESOLVE_NO_SYMLINKS</c>): for what becomes writable.
    /// </summary>
    /// <remarks>
    /// The server resolved the writable roots to their real paths at start-up and made the temporary directory itself,
    /// but each run opens them again here, by path. A directory on the way that lies inside another writable root can
    /// have been renamed and replaced by a link since (by an earlier command, or by one running beside this run), and
    /// following it made the link's target writable: an attack moved the workspace away, put a link to the home in its
    /// place, and the next call wrote ~/.bashrc with no question; another swapped a run's fresh TMPDIR, made in a
    /// writable /tmp, for such a link before the run's launcher opened it. A path that now passes a link is refused,
    /// so the command does not run.
    /// </remarks>
    /// <exception cref="LandlockSetupException">The directory cannot be reached without a link, or the kernel refused the rule.</exception>
    public void AllowDirectoryWithoutLinks(string path, ulong access)
    {
        var how = new OpenHow { Flags = LinuxOpenFlags.PathOnly | LinuxOpenFlags.CloseOnExec | LinuxOpenFlags.Directory, Resolve = ResolveNoSymlinks };
        var name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        nint fd;
        fixed (byte* native = name)
        {
            fd = Libc.Syscall(X64Syscall.OpenAt2, LinuxOpenFlags.AtCurrentDirectory, (nint)native, (nint)(&how), sizeof(OpenHow), 0);
        }

        if (fd < 0)
        {
            var errno = Libc.LastError;
            throw new LandlockSetupException(errno == LinkMet
                ? $"'{path}' is to be writable, but a symbolic link now stands in its path (put there since it was resolved); following it would make the link's target writable"
                : $"cannot open '{path}' without following links to grant access to it: {Libc.Describe(errno)}");
        }

        AddRule((int)fd, path, access);
    }

    /// <summary><see cref="AllowDirectory"/> for a directory that is skipped when it cannot be opened: granting nothing is never less safe.</summary>
    /// <exception cref="LandlockSetupException">The kernel refused the rule.</exception>
    public void AllowDirectoryIfPresent(string path, ulong access) => Allow(path, access, LinuxOpenFlags.Directory, optional: true);

    /// <summary>
    /// Grants <paramref name="access"/> (narrowed to the rights a file may carry) on the file at <paramref name="path"/>;
    /// a file that is not there is skipped, since granting nothing is never less safe.
    /// </summary>
    /// <exception cref="LandlockSetupException">The kernel refused the rule.</exception>
    public void AllowFileIfPresent(string path, ulong access) => Allow(path, access & LandlockRights.ApplicableToFiles, 0, optional: true);

    /// <summary>Enforces the ruleset on the calling thread and its future children; returns 0 or the errno.</summary>
    /// <remarks>Needs <c>no_new_privs</c> (or CAP_SYS_ADMIN). Allocates nothing: the caller runs it on the thread it confines.</remarks>
    public int RestrictCallingThread() =>
        Libc.Syscall(X64Syscall.LandlockRestrictSelf, _fd, 0, 0, 0, 0) == 0 ? 0 : Libc.LastError;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
    }

    private void Allow(string path, ulong access, int extraOpenFlags, bool optional)
    {
        // The rule is anchored to the inode opened here, after following symbolic links: what the path names now is
        // what becomes writable, and later renames or new links cannot widen it.
        var fd = Libc.OpenAt(LinuxOpenFlags.AtCurrentDirectory, path, LinuxOpenFlags.PathOnly | LinuxOpenFlags.CloseOnExec | extraOpenFlags, 0);
        if (fd < 0)
        {
            var errno = Libc.LastError;
            if (optional)
            {
                return;
            }

            throw new LandlockSetupException($"cannot open '{path}' to grant access to it: {Libc.Describe(errno)}");
        }

        AddRule(fd, path, access);
    }

    // Adds the rule for the directory or file open as fd, and closes fd.
    private void AddRule(int fd, string path, ulong access)
    {
        try
        {
            var rule = new LandlockPathBeneathAttr { AllowedAccess = access, ParentFd = fd };
            if (Libc.Syscall(X64Syscall.LandlockAddRule, _fd, RulePathBeneath, (nint)(&rule), 0, 0) != 0)
            {
                throw new LandlockSetupException($"landlock_add_rule for '{path}' failed: {Libc.Describe(Libc.LastError)}");
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    // struct open_how (linux/openat2.h): three 64-bit fields, passed with its size.
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }
}
