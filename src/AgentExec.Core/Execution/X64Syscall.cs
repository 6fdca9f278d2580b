namespace AgentExec.Core.Execution;

/// <summary>System call numbers of x86_64 Linux (<c>arch/x86/entry/syscalls/syscall_64.tbl</c>).</summary>
/// <remarks>
/// Numbers from 424 on are the same on every architecture (the kernel unified new system calls then), so the Landlock
/// and <c>close_range</c> numbers hold beyond x86_64; the older ones, and the seccomp filter that compares them, do not,
/// which is why <c>Sandbox.LandlockSupport</c> refuses other architectures.
/// </remarks>
internal static class X64Syscall
{
    /// <summary><c>open(path, flags, mode)</c>: filtered on Landlock ABI &lt; 3 for read-only truncation.</summary>
    public const int Open = 2;

    /// <summary><c>creat(path, mode)</c>: its mode may carry set-user-ID or set-group-ID bits.</summary>
    public const int Create = 85;

    /// <summary><c>mknod(path, mode, dev)</c>: as <see cref="Create"/>, for a regular file too.</summary>
    public const int MakeNode = 133;

    /// <summary><c>poll(fds, nfds, timeout)</c>: the Landlock launcher waits on its command's pidfd.</summary>
    public const int Poll = 7;

    /// <summary>System V shared memory: <c>shmget</c>, <c>shmat</c>, <c>shmctl</c>.</summary>
    public const int SharedMemoryGet = 29;

    /// <summary>See <see cref="SharedMemoryGet"/>.</summary>
    public const int SharedMemoryAttach = 30;

    /// <summary>See <see cref="SharedMemoryGet"/>.</summary>
    public const int SharedMemoryControl = 31;

    /// <summary>System V semaphores: <c>semget</c>, <c>semop</c>, <c>semctl</c> (and <see cref="SemaphoreTimedOperation"/>).</summary>
    public const int SemaphoreGet = 64;

    /// <summary>See <see cref="SemaphoreGet"/>.</summary>
    public const int SemaphoreOperation = 65;

    /// <summary>See <see cref="SemaphoreGet"/>.</summary>
    public const int SemaphoreControl = 66;

    /// <summary><c>shmdt</c>.</summary>
    public const int SharedMemoryDetach = 67;

    /// <summary>System V message queues: <c>msgget</c>, <c>msgsnd</c>, <c>msgrcv</c>, <c>msgctl</c>.</summary>
    public const int MessageGet = 68;

    /// <summary>See <see cref="MessageGet"/>.</summary>
    public const int MessageSend = 69;

    /// <summary>See <see cref="MessageGet"/>.</summary>
    public const int MessageReceive = 70;

    /// <summary>See <see cref="MessageGet"/>.</summary>
    public const int MessageControl = 71;

    /// <summary><c>semtimedop</c>.</summary>
    public const int SemaphoreTimedOperation = 220;

    /// <summary><c>setpgid(pid, pgid)</c>: made a no-op for a Landlock command, which stays in the launcher's group.</summary>
    public const int SetProcessGroup = 109;

    /// <summary><c>getppid()</c>: the Landlock launcher watches whether its parent, the server, is still there.</summary>
    public const int GetParentPid = 110;

    /// <summary><c>setsid()</c>: the Landlock launcher starts its own session; made a no-op for the command.</summary>
    public const int SetSession = 112;

    /// <summary><c>prlimit64(pid, resource, new, old)</c>: a Landlock command may change only its own limits.</summary>
    public const int ProcessLimit = 302;

    /// <summary><c>setpriority(which, who, prio)</c>: a Landlock command may change only its own nice value.</summary>
    public const int SetPriority = 141;

    /// <summary><c>sched_setparam(pid, param)</c>: a Landlock command may change only its own scheduling.</summary>
    public const int SchedulerSetParameters = 142;

    /// <summary><c>sched_setscheduler(pid, policy, param)</c>: see <see cref="SchedulerSetParameters"/>.</summary>
    public const int SchedulerSetPolicy = 144;

    /// <summary><c>sched_setaffinity(pid, size, mask)</c>: see <see cref="SchedulerSetParameters"/>.</summary>
    public const int SchedulerSetAffinity = 203;

    /// <summary><c>ioprio_set(which, who, ioprio)</c>: a Landlock command may change only its own I/O priority.</summary>
    public const int IoPrioritySet = 251;

    /// <summary><c>sched_setattr(pid, attr, flags)</c>: see <see cref="SchedulerSetParameters"/>.</summary>
    public const int SchedulerSetAttributes = 314;

    /// <summary><c>pidfd_open(pid, flags)</c> (Linux 5.3; Landlock needs 5.13).</summary>
    public const int PidfdOpen = 434;

    /// <summary><c>socket(family, type, protocol)</c>: filtered when the network is off.</summary>
    public const int Socket = 41;

    /// <summary><c>truncate(path, length)</c>: path-based, so Landlock ABI &lt; 3 does not see it.</summary>
    public const int Truncate = 76;

    /// <summary><c>chmod(path, mode)</c>: a Landlock command may not set the set-user-ID or set-group-ID bit.</summary>
    public const int Chmod = 90;

    /// <summary><c>fchmod(fd, mode)</c>.</summary>
    public const int FileChmod = 91;

    /// <summary><c>setxattr(path, name, value, size, flags)</c>: refused for a Landlock command, which Landlock does not check.</summary>
    public const int SetXattr = 188;

    /// <summary><c>lsetxattr(path, name, value, size, flags)</c>.</summary>
    public const int LinkSetXattr = 189;

    /// <summary><c>fsetxattr(fd, name, value, size, flags)</c>.</summary>
    public const int FileSetXattr = 190;

    /// <summary><c>removexattr(path, name)</c>.</summary>
    public const int RemoveXattr = 197;

    /// <summary><c>lremovexattr(path, name)</c>.</summary>
    public const int LinkRemoveXattr = 198;

    /// <summary><c>fremovexattr(fd, name)</c>.</summary>
    public const int FileRemoveXattr = 199;

    /// <summary><c>add_key</c>: adds a key to a keyring.</summary>
    public const int AddKey = 248;

    /// <summary><c>request_key</c>: looks a key up, or has the kernel run <c>/sbin/request-key</c> to make one.</summary>
    public const int RequestKey = 249;

    /// <summary><c>keyctl</c>: reads, links and manages keys and keyrings.</summary>
    public const int KeyControl = 250;

    /// <summary><c>capget(header, data)</c>.</summary>
    public const int CapGet = 125;

    /// <summary><c>capset(header, data)</c>.</summary>
    public const int CapSet = 126;

    /// <summary><c>prctl(option, arg2, arg3, arg4, arg5)</c>.</summary>
    public const int Prctl = 157;

    /// <summary><c>openat(dirfd, path, flags, mode)</c>: filtered on Landlock ABI &lt; 3 for read-only truncation.</summary>
    public const int OpenAt = 257;

    /// <summary><c>mknodat(dirfd, path, mode, dev)</c>: see <see cref="MakeNode"/>.</summary>
    public const int MakeNodeAt = 259;

    /// <summary><c>fchmodat(dirfd, path, mode)</c>.</summary>
    public const int ChmodAt = 268;

    /// <summary><c>renameat2(olddirfd, oldpath, newdirfd, newpath, flags)</c>: moves a too-deep part of a Landlock command's TMPDIR up.</summary>
    public const int RenameAt2 = 316;

    /// <summary><c>seccomp(operation, flags, args)</c>.</summary>
    public const int Seccomp = 317;

    /// <summary><c>io_uring_setup</c>: io_uring can open files and create sockets without the filtered system calls.</summary>
    public const int IoUringSetup = 425;

    /// <summary><c>io_uring_enter</c>.</summary>
    public const int IoUringEnter = 426;

    /// <summary><c>io_uring_register</c>.</summary>
    public const int IoUringRegister = 427;

    /// <summary><c>close_range(first, last, flags)</c> (Linux 5.9; <c>CLOSE_RANGE_CLOEXEC</c> 5.11).</summary>
    public const int CloseRange = 436;

    /// <summary><c>openat2(dirfd, path, how, size)</c>: its flags sit behind a pointer that seccomp cannot read.</summary>
    public const int OpenAt2 = 437;

    /// <summary><c>landlock_create_ruleset(attr, size, flags)</c>.</summary>
    public const int LandlockCreateRuleset = 444;

    /// <summary><c>landlock_add_rule(ruleset_fd, rule_type, rule_attr, flags)</c>.</summary>
    public const int LandlockAddRule = 445;

    /// <summary><c>landlock_restrict_self(ruleset_fd, flags)</c>.</summary>
    public const int LandlockRestrictSelf = 446;

    /// <summary><c>fchmodat2(dirfd, path, mode, flags)</c> (Linux 6.6).</summary>
    public const int ChmodAt2 = 452;

    /// <summary><c>setxattrat(dirfd, path, at_flags, name, args, size)</c> (Linux 6.13).</summary>
    public const int SetXattrAt = 463;

    /// <summary><c>removexattrat(dirfd, path, at_flags, name)</c> (Linux 6.13).</summary>
    public const int RemoveXattrAt = 466;
}
