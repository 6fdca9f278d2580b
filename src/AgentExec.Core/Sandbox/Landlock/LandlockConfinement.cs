using AgentExec.Core.Execution;
namespace AgentExec.Core.Sandbox;

/// <summary>
/// Confines one dedicated thread of the launcher — capabilities, <c>no_new_privs</c>, Landlock, seccomp — and starts
/// the command from it, so the command inherits all of it while the launcher's other threads stay as they were.
/// </summary>
/// <remarks>
/// <para>
/// Why a thread and not the whole launcher, or a forked child: every one of these restrictions is per thread and is
/// inherited by the processes that thread starts. Confining a dedicated thread keeps the launcher's main thread
/// outside the command's Landlock domain, so with ABI 6 signal scoping the command cannot kill its own supervisor (and
/// so escape the kill that ends every process it started), and Landlock's ptrace rule keeps it out of the launcher's
/// memory. The alternative of <c>fork()</c> and restricting the child before <c>execve</c> would run managed code in a
/// child whose other runtime threads vanished at the fork (a GC or a lock held by them hangs it); no sequence of
/// P/Invokes is async-signal-safe. <see cref="PreparedSpawn"/> explains why <c>posix_spawn</c> is.
/// </para>
/// <para>
/// The confined thread exists for a moment, and the launcher is not dumpable (see <see cref="LandlockLauncher"/>), so
/// the command, which has no CAP_SYS_PTRACE, cannot attach to that thread or write the process's memory through it.
/// After Landlock applies, the thread allocates nothing on the way to the spawn: it only records numbers.
/// </para>
/// </remarks>
internal sealed class LandlockConfinement
{
    // prctl options (include/uapi/linux/prctl.h).
    private const nint PrSetNoNewPrivs = 38;
    private const nint PrGetNoNewPrivs = 39;

    private readonly LandlockRuleset _ruleset;
    private readonly BpfInstruction[]? _filter;
    private readonly PreparedSpawn _spawn;
    private readonly int _lastCapability;
    private Exception? _failure;
    private string? _failedStep;
    private int _errno;
    private int _pid;

    /// <summary>Prepares the confinement; nothing happens until <see cref="ConfineAndSpawn"/>.</summary>
    public LandlockConfinement(LandlockRuleset ruleset, BpfInstruction[]? filter, PreparedSpawn spawn, int lastCapability)
    {
        _ruleset = ruleset;
        _filter = filter;
        _spawn = spawn;
        _lastCapability = lastCapability;
    }

    /// <summary>Confines a new thread, starts the command from it, and returns the command's process id.</summary>
    /// <exception cref="LandlockSetupException">A step failed; the command did not start.</exception>
    public int ConfineAndSpawn()
    {
        var thread = new Thread(Confine, maxStackSize: 256 * 1024) { IsBackground = true, Name = "agentexec landlock" };
        thread.Start();
        thread.Join();

        if (_failure is LandlockSetupException setupFailure)
        {
            throw setupFailure;
        }

        if (_failure is not null)
        {
            throw new LandlockSetupException($"unexpected failure while confining: {_failure.Message}", _failure);
        }

        if (_failedStep is not null)
        {
            throw new LandlockSetupException($"{_failedStep} failed: {Libc.Describe(_errno)}");
        }

        return _pid;
    }

    private void Confine()
    {
        try
        {
            CapabilityDrop.DropAllFromCallingThread(_lastCapability);

            // no_new_privs: set-uid bits and file capabilities grant nothing from here on, and it is what allows an
            // unprivileged thread to enforce Landlock and seccomp.
            if (Prctl(PrSetNoNewPrivs, 1) != 0 || Prctl(PrGetNoNewPrivs, 0) != 1)
            {
                Fail("setting no_new_privs", Libc.LastError);
                return;
            }

            var errno = _ruleset.RestrictCallingThread();
            if (errno != 0)
            {
                Fail("landlock_restrict_self", errno);
                return;
            }

            if (_filter is not null && (errno = LandlockSeccompFilter.InstallOnCallingThread(_filter)) != 0)
            {
                Fail("installing the seccomp filter", errno);
                return;
            }

            errno = _spawn.Spawn(out _pid);
            if (errno != 0)
            {
                Fail("starting the command", errno);
            }
        }
        catch (Exception exception)
        {
            // Caught on this thread so that it reaches the main thread, which reports it and runs nothing.
            _failure = exception;
        }
    }

    // Literal step names only: nothing is formatted (allocated) on this thread after Landlock applies.
    private void Fail(string step, int errno)
    {
        _failedStep = step;
        _errno = errno;
    }

    private static nint Prctl(nint option, nint argument) => Libc.Syscall(X64Syscall.Prctl, option, argument, 0, 0, 0);
}
