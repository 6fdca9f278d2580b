using AgentExec.Core.Execution;
namespace AgentExec.Core.Sandbox;

/// <summary>A Landlock ruleset being built: created with what it handles, given rules, then enforced on one thread.</summary>
internal sealed unsafe class LandlockRuleset : IDisposable
{
    // landlock_create_ruleset flag: return the ABI version instead of creating a ruleset (attr NULL, size 0).
    private const nint CreateRulesetVersion = 1 << 0;

    // landlock_add_rule's rule type for a file hierarchy (enum landlock_rule_type).
    private const nint RulePathBeneath = 1;

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
}
