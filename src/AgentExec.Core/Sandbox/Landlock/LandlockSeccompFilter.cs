using AgentExec.Core.Execution;
namespace AgentExec.Core.Sandbox;

/// <summary>
/// The seccomp filter beside Landlock: refuses non-local sockets when the network is off, read-only truncation on
/// kernels whose Landlock cannot see it, and always the set-user-ID and set-group-ID bits, extended attributes, System
/// V IPC and the kernel's keyrings.
/// x86_64 only.
/// </summary>
/// <remarks>
/// <para>
/// Network off means no IP sockets at all (SPEC.md "Sandbox"), and Landlock's network rules cover only TCP bind and
/// connect, from ABI 4 on. So <c>socket()</c> is refused (<c>EACCES</c>) for every address family except
/// <c>AF_UNIX</c> and <c>AF_NETLINK</c>: an allow-list, so that UDP, raw packets, <c>AF_VSOCK</c> to a hypervisor and
/// families added later are refused too. Netlink stays because <c>getifaddrs</c> needs it and it reaches no other
/// machine; its privileged operations need capabilities the command no longer has. Before Landlock ABI 9
/// <c>AF_UNIX</c> is refused as well (<see cref="LandlockPolicy.RefuseUnixSockets"/>); <c>socketpair</c> is not filtered.
/// </para>
/// <para>
/// io_uring can open files and, since Linux 5.19, create sockets without passing through the filtered system calls, so
/// it is refused (<c>ENOSYS</c>, which every io_uring user treats as "not available" and falls back from) whenever the
/// filter refuses anything.
/// </para>
/// <para>
/// System V IPC (shared memory, semaphores, message queues) is named by keys, not paths, and checked only against the
/// user: Landlock does not see it, and without a namespace of its own (bubblewrap's <c>--unshare-ipc</c>) the command
/// shares the host's. An attack attached to another program's shared memory segment, read it and wrote into it; a
/// segment also outlives the call. So every System V IPC call is reported missing (<c>ENOSYS</c>, what a kernel built
/// without it answers) whenever there is a filter; POSIX shared memory lives in <c>/dev/shm</c>, which Landlock denies.
/// </para>
/// <para>
/// The kernel's keyrings are no files, so Landlock does not see them: the user keyring, the persistent keyring and the
/// session keyring the command inherits hold what the user's tools keep there (Kerberos tickets of a <c>KEYRING:</c>
/// cache, passphrases cached by <c>systemd-ask-password</c>, file-system encryption keys), and <c>add_key</c> leaves a
/// key behind that outlives the call. An attack read a key of the server's session keyring from the sandbox. So
/// <c>add_key</c>, <c>request_key</c> and <c>keyctl</c> are reported missing (<c>ENOSYS</c>, which keyutils reads as
/// "no keyrings in this kernel") whenever there is a filter.
/// </para>
/// <para>
/// Landlock before ABI 3 (Debian 12's 6.1 kernels have ABI 2) does not handle truncation: <c>truncate(path)</c> and
/// <c>open(path, O_RDONLY | O_TRUNC)</c> would empty any file the user owns, read-only or not. On those kernels both are
/// refused here (<c>EACCES</c>), and <c>openat2</c>, whose flags sit behind a pointer seccomp cannot read, is reported
/// missing so that callers fall back to <c>openat</c>. Truncating through a descriptor needs one opened for writing,
/// which Landlock already checks.
/// </para>
/// <para>
/// Landlock has no right for changing a file's mode, owner, times or extended attributes: an attack run as root made a
/// root-owned copy of bash set-user-ID (<c>chmod 4755</c>, a root shell for every local user) and opened the audit log
/// and its folder to everyone, all outside the writable roots. Seccomp sees the mode but not the path, so the filter
/// refuses (<c>EPERM</c>) every <c>chmod</c>, <c>fchmod</c>, <c>fchmodat</c> and <c>fchmodat2</c> whose mode sets
/// <c>S_ISUID</c> or <c>S_ISGID</c>, in the workspace too, and every <c>setxattr</c> and <c>removexattr</c> variant
/// (<c>EOPNOTSUPP</c>, which <c>cp -a</c>, <c>rsync -X</c> and <c>tar --xattrs</c> read as "no extended attributes
/// here"): POSIX ACLs, which would grant other users what the mode does not, are set through them. Plain permission
/// bits, the owner's group and the times of the user's own files outside the roots stay changeable: the filter cannot
/// tell those files from the workspace's (docs/landlock.md says so; bubblewrap mounts them read-only).
/// </para>
/// <para>
/// A system call made through another ABI would bypass every number compared here: a 64-bit process can issue i386
/// system calls with <c>int 0x80</c> (where <c>socketcall</c> multiplexes sockets), and x32 ones by setting bit 30 of
/// the number. The filter kills the process on any architecture but x86_64 and refuses x32 numbers.
/// </para>
/// </remarks>
internal static unsafe class LandlockSeccompFilter
{
    // struct seccomp_data (linux/seccomp.h): int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
    // Arguments are read as their low 32 bits (little-endian), which is all the kernel uses of an int argument.
    private const uint SyscallNumberOffset = 0;
    private const uint ArchitectureOffset = 4;
    private const uint FirstArgumentOffset = 16;
    private const uint ArgumentSize = 8;

    // AUDIT_ARCH_X86_64 (linux/audit.h): EM_X86_64 (62) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.
    private const uint AuditArchX8664 = 62 | 0x80000000 | 0x40000000;

    // __X32_SYSCALL_BIT (asm/unistd.h): x32 system calls arrive as x86_64 ones with this bit set in the number.
    private const uint X32SyscallBit = 0x40000000;

    // Return actions (linux/seccomp.h). KILL_PROCESS ends the whole process (Linux 4.14), not just the thread.
    private const uint ReturnKillProcess = 0x80000000;
    private const uint ReturnErrno = 0x00050000;
    private const uint ReturnAllow = 0x7fff0000;

    // Address families (linux/socket.h) that reach no other machine.
    private const uint AddressFamilyUnix = 1;
    private const uint AddressFamilyNetlink = 16;

    // S_ISUID | S_ISGID (linux/stat.h). The kernel takes a mode as umode_t, the low 16 bits of the argument, so the
    // low 32 bits that the filter loads hold every bit the kernel will use.
    private const uint SetIdModeBits = 0x800 | 0x400;

    // seccomp(2) operation that installs a filter; prctl option for no_new_privs, which an unprivileged filter needs.
    private const nint SeccompSetModeFilter = 1;

    /// <summary>The filter for these settings.</summary>
    /// <param name="refuseNonLocalSockets">Refuse every socket family but Unix and netlink.</param>
    /// <param name="refuseReadOnlyTruncation">Refuse <c>truncate</c> and read-only <c>O_TRUNC</c> opens (Landlock ABI &lt; 3).</param>
    /// <param name="refuseUnixSockets">With <paramref name="refuseNonLocalSockets"/>, refuse Unix sockets too (<see cref="LandlockPolicy.RefuseUnixSockets"/>).</param>
    /// <remarks>
    /// Always: <c>setsid</c> and <c>setpgid</c> return 0 and change nothing, so every process of the command stays in the
    /// launcher's process group, which one <c>kill(-group, SIGKILL)</c> then ends at once, forks in flight included (the
    /// kernel aborts a fork whose parent has a fatal signal pending). A process that walks out of the group could be
    /// chased only by pid, and an attack outran that chase with processes that fork and exit in a loop while others
    /// send <c>SIGCONT</c>.
    /// Always too: <c>prlimit64</c> only on the calling process (pid 0, which <c>getrlimit</c>, <c>setrlimit</c> and
    /// <c>ulimit</c> pass). The kernel lets a process change the limits of any other of the same user, which signal
    /// scoping and a non-dumpable launcher do not stop: an attack set the launcher's address-space limit to one byte,
    /// the launcher died, and what the command started lived on (the server's too, which it crashed).
    /// The same for the nice value, the I/O priority, the scheduling policy and the CPU affinity
    /// (<c>setpriority</c>, <c>ioprio_set</c>, <c>sched_setscheduler</c>, <c>sched_setparam</c>, <c>sched_setattr</c>,
    /// <c>sched_setaffinity</c>): the kernel lets a process change them for any other of the same user, Landlock's
    /// scoping does not cover them, and no pid namespace hides those processes. An attack made the server, its launcher
    /// and a program of the user outside the sandbox <c>SCHED_IDLE</c>, pinned them to one CPU, and set every process
    /// of the user to nice 19 (<c>renice -u</c>), which an unprivileged user cannot undo. Only the caller's own (pid or
    /// who 0, which <c>nice</c>, <c>ionice</c>, <c>taskset</c> and <c>chrt</c> pass when they start a program) is left;
    /// anything else is refused (<c>EPERM</c>), a process of the command's own too.
    /// Always as well: no set-user-ID or set-group-ID mode and no extended attribute (see the type's remarks).
    /// </remarks>
    public static BpfInstruction[] For(bool refuseNonLocalSockets, bool refuseReadOnlyTruncation, bool refuseUnixSockets = false)
    {
        var program = NativeCallsWithoutIoUring()
            .JumpIfEqual(X64Syscall.SharedMemoryGet, "enosys")
            .JumpIfEqual(X64Syscall.SharedMemoryAttach, "enosys")
            .JumpIfEqual(X64Syscall.SharedMemoryControl, "enosys")
            .JumpIfEqual(X64Syscall.SharedMemoryDetach, "enosys")
            .JumpIfEqual(X64Syscall.SemaphoreGet, "enosys")
            .JumpIfEqual(X64Syscall.SemaphoreOperation, "enosys")
            .JumpIfEqual(X64Syscall.SemaphoreControl, "enosys")
            .JumpIfEqual(X64Syscall.SemaphoreTimedOperation, "enosys")
            .JumpIfEqual(X64Syscall.MessageGet, "enosys")
            .JumpIfEqual(X64Syscall.MessageSend, "enosys")
            .JumpIfEqual(X64Syscall.MessageReceive, "enosys")
            .JumpIfEqual(X64Syscall.MessageControl, "enosys")
            .JumpIfEqual(X64Syscall.AddKey, "enosys")
            .JumpIfEqual(X64Syscall.RequestKey, "enosys")
            .JumpIfEqual(X64Syscall.KeyControl, "enosys")
            .JumpIfEqual(X64Syscall.SetProcessGroup, "pretend")
            .JumpIfEqual(X64Syscall.SetSession, "pretend")
            .JumpIfEqual(X64Syscall.ProcessLimit, "calling-process-only")
            .JumpIfEqual(X64Syscall.SchedulerSetParameters, "calling-process-only")
            .JumpIfEqual(X64Syscall.SchedulerSetPolicy, "calling-process-only")
            .JumpIfEqual(X64Syscall.SchedulerSetAffinity, "calling-process-only")
            .JumpIfEqual(X64Syscall.SchedulerSetAttributes, "calling-process-only")
            .JumpIfEqual(X64Syscall.SetPriority, "setpriority")
            .JumpIfEqual(X64Syscall.IoPrioritySet, "ioprio_set");
        AppendFileModeDispatch(program);
        if (refuseNonLocalSockets)
        {
            program.JumpIfEqual(X64Syscall.Socket, "socket");
        }

        if (refuseReadOnlyTruncation)
        {
            program.JumpIfEqual(X64Syscall.Truncate, "eacces");
        }

        program.Return(ReturnAllow);

        // prlimit64(pid, …), sched_setparam(pid, …), sched_setscheduler(pid, …), sched_setaffinity(pid, …) and
        // sched_setattr(pid, …): pid 0 is the calling thread.
        program
            .Label("calling-process-only")
            .Load(Argument(0))
            .JumpIfEqual(0, "allow")
            .Return(ReturnErrno | Errno.EPERM);

        // setpriority(which, who, prio) with PRIO_PROCESS (0), and ioprio_set(which, who, ioprio) with
        // IOPRIO_WHO_PROCESS (1): who 0 is the caller. A process group (the launcher's, which holds the launcher) or a
        // user (every process the user runs) is refused.
        program
            .Label("setpriority")
            .Load(Argument(0))
            .JumpIfEqual(0, "who-is-the-caller")
            .Return(ReturnErrno | Errno.EPERM)
            .Label("ioprio_set")
            .Load(Argument(0))
            .JumpIfEqual(1, "who-is-the-caller")
            .Return(ReturnErrno | Errno.EPERM)
            .Label("who-is-the-caller")
            .Load(Argument(1))
            .JumpIfEqual(0, "allow")
            .Return(ReturnErrno | Errno.EPERM);

        AppendSetIdModeChecks(program);

        if (refuseNonLocalSockets)
        {
            program
                .Label("socket")
                .Load(Argument(0));
            if (!refuseUnixSockets)
            {
                program.JumpIfEqual(AddressFamilyUnix, "allow");
            }

            program
                .JumpIfEqual(AddressFamilyNetlink, "allow")
                .Return(ReturnErrno | Errno.EACCES);
        }

        // open(path, flags, mode) and openat(dirfd, path, flags, mode): a file created with a set-ID mode (O_CREAT or
        // O_TMPFILE) is refused like a chmod to one (found by a review: os.open(name, O_CREAT, 0o4755) left an empty
        // set-user-ID file that root's later cp filled). With refuseReadOnlyTruncation, O_TRUNC with the access mode
        // O_RDONLY is refused too; write modes are left to Landlock, which checks them when the file is opened.
        AppendCreationModeCheck(program, "open", flagsArgument: 1, next: refuseReadOnlyTruncation ? "open-truncation" : "allow");
        AppendCreationModeCheck(program, "openat", flagsArgument: 2, next: refuseReadOnlyTruncation ? "openat-truncation" : "allow");
        if (refuseReadOnlyTruncation)
        {
            program
                .Label("open-truncation")
                .Load(Argument(1))
                .And(LinuxOpenFlags.Truncate | LinuxOpenFlags.AccessModeMask)
                .JumpIfEqual(LinuxOpenFlags.Truncate | LinuxOpenFlags.ReadOnly, "eacces")
                .Return(ReturnAllow)
                .Label("openat-truncation")
                .Load(Argument(2))
                .And(LinuxOpenFlags.Truncate | LinuxOpenFlags.AccessModeMask)
                .JumpIfEqual(LinuxOpenFlags.Truncate | LinuxOpenFlags.ReadOnly, "eacces")
                .Return(ReturnAllow);
        }

        return program
            .Label("allow")
            .Return(ReturnAllow)
            .Label("eacces")
            .Return(ReturnErrno | Errno.EACCES)
            .Label("eperm")
            .Return(ReturnErrno | Errno.EPERM)
            .Label("enosys")
            .Return(ReturnErrno | Errno.ENOSYS)
            .Label("eopnotsupp")
            .Return(ReturnErrno | Errno.EOPNOTSUPP)
            .Label("pretend")
            .Return(ReturnErrno | 0)
            .Build();
    }

    /// <summary>
    /// The part of the filter bubblewrap installs too (<see cref="BubblewrapSeccomp"/>): no set-user-ID or set-group-ID
    /// mode and no extended attribute, with the same foreign-ABI guard and io_uring reported missing (it sets extended
    /// attributes without the filtered system calls, since Linux 5.19).
    /// </summary>
    /// <remarks>
    /// bubblewrap keeps everything outside the writable roots read-only, but inside them a command's <c>chmod</c> reaches
    /// the host's file: as root, a sandboxed command made a copy of bash set-user-ID in the workspace, and another local
    /// user ran it with effective user id 0 (as any user, a set-user-ID copy runs as that user for everyone).
    /// The same rules as Landlock's filter, built by the same pieces (NativeCallsWithoutIoUring, AppendFileModeDispatch, the mode checks).
    /// </remarks>
    public static BpfInstruction[] ForFileModesOnly()
    {
        var program = NativeCallsWithoutIoUring();
        AppendFileModeDispatch(program);
        program.Return(ReturnAllow);
        AppendCreationModeCheck(program, "open", flagsArgument: 1, next: "allow");
        AppendCreationModeCheck(program, "openat", flagsArgument: 2, next: "allow");
        AppendSetIdModeChecks(program);
        return program
            .Label("allow")
            .Return(ReturnAllow)
            .Label("eperm")
            .Return(ReturnErrno | Errno.EPERM)
            .Label("enosys")
            .Return(ReturnErrno | Errno.ENOSYS)
            .Label("eopnotsupp")
            .Return(ReturnErrno | Errno.EOPNOTSUPP)
            .Build();
    }

    /// <summary>Installs <paramref name="program"/> on the calling thread (inherited by its children); returns 0 or the errno.</summary>
    /// <remarks>Needs <c>no_new_privs</c> already set. Allocates nothing, so it may run after Landlock confined the thread.</remarks>
    public static int InstallOnCallingThread(BpfInstruction[] program)
    {
        fixed (BpfInstruction* instructions = program)
        {
            // struct sock_fprog: unsigned short len; (padding); struct sock_filter *filter — two machine words.
            var sockFprog = stackalloc nint[2];
            sockFprog[0] = program.Length;
            sockFprog[1] = (nint)instructions;
            return Libc.Syscall(X64Syscall.Seccomp, SeccompSetModeFilter, 0, (nint)sockFprog, 0, 0) == 0 ? 0 : Libc.LastError;
        }
    }

    // Both filters start alike: a system call of a foreign ABI kills the process (it would pass by the checks, which
    // compare x86_64 numbers), an x32 number is refused, and io_uring, which opens files and sets extended attributes
    // without the filtered calls, is reported missing. The caller goes on with the system call number loaded.
    private static BpfProgramBuilder NativeCallsWithoutIoUring() =>
        new BpfProgramBuilder()
            .Load(ArchitectureOffset)
            .JumpIfEqual(AuditArchX8664, "native")
            .Return(ReturnKillProcess)
            .Label("native")
            .Load(SyscallNumberOffset)
            .JumpIfAtLeast(X32SyscallBit, "eperm")
            .JumpIfEqual(X64Syscall.IoUringSetup, "enosys")
            .JumpIfEqual(X64Syscall.IoUringEnter, "enosys")
            .JumpIfEqual(X64Syscall.IoUringRegister, "enosys");

    // Both filters' rules on file modes (see the type's remarks): set-ID modes go to the checks of
    // AppendSetIdModeChecks and AppendCreationModeCheck, extended attributes are not supported, openat2 is missing.
    private static void AppendFileModeDispatch(BpfProgramBuilder program) =>
        program
            .JumpIfEqual(X64Syscall.Chmod, "mode-in-argument-1")
            .JumpIfEqual(X64Syscall.FileChmod, "mode-in-argument-1")
            .JumpIfEqual(X64Syscall.ChmodAt, "mode-in-argument-2")
            .JumpIfEqual(X64Syscall.ChmodAt2, "mode-in-argument-2")
            .JumpIfEqual(X64Syscall.Create, "mode-in-argument-1")
            .JumpIfEqual(X64Syscall.MakeNode, "mode-in-argument-1")
            .JumpIfEqual(X64Syscall.MakeNodeAt, "mode-in-argument-2")
            .JumpIfEqual(X64Syscall.Open, "open")
            .JumpIfEqual(X64Syscall.OpenAt, "openat")
            .JumpIfEqual(X64Syscall.OpenAt2, "enosys")
            .JumpIfEqual(X64Syscall.SetXattr, "eopnotsupp")
            .JumpIfEqual(X64Syscall.LinkSetXattr, "eopnotsupp")
            .JumpIfEqual(X64Syscall.FileSetXattr, "eopnotsupp")
            .JumpIfEqual(X64Syscall.SetXattrAt, "eopnotsupp")
            .JumpIfEqual(X64Syscall.RemoveXattr, "eopnotsupp")
            .JumpIfEqual(X64Syscall.LinkRemoveXattr, "eopnotsupp")
            .JumpIfEqual(X64Syscall.FileRemoveXattr, "eopnotsupp")
            .JumpIfEqual(X64Syscall.RemoveXattrAt, "eopnotsupp");

    // chmod(path, mode), fchmod(fd, mode), creat(path, mode) and mknod(path, mode, dev) carry the mode second;
    // fchmodat(dirfd, path, mode), fchmodat2(dirfd, path, mode, flags) and mknodat(dirfd, path, mode, dev) third.
    private static void AppendSetIdModeChecks(BpfProgramBuilder program) =>
        program
            .Label("mode-in-argument-1")
            .Load(Argument(1))
            .And(SetIdModeBits)
            .JumpIfEqual(0, "allow")
            .Return(ReturnErrno | Errno.EPERM)
            .Label("mode-in-argument-2")
            .Load(Argument(2))
            .And(SetIdModeBits)
            .JumpIfEqual(0, "allow")
            .Return(ReturnErrno | Errno.EPERM);

    // At label: an open whose flags (argument flagsArgument) create a file (O_CREAT, O_TMPFILE) with a set-ID mode (the
    // argument after them) is refused; anything else goes on at next. openat2 carries its mode in a structure a filter
    // cannot read, so the callers report it missing (ENOSYS), after which programs fall back to openat.
    private static void AppendCreationModeCheck(BpfProgramBuilder program, string label, uint flagsArgument, string next) =>
        program
            .Label(label)
            .Load(Argument(flagsArgument))
            .And(LinuxOpenFlags.Create | LinuxOpenFlags.TemporaryFile)
            .JumpIfEqual(0, next)
            .Load(Argument(flagsArgument + 1))
            .And(SetIdModeBits)
            .JumpIfEqual(0, next)
            .Return(ReturnErrno | Errno.EPERM);

    private static uint Argument(uint index) => FirstArgumentOffset + (index * ArgumentSize);
}
