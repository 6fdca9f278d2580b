using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>The filter's verdicts, evaluated by <see cref="BpfInterpreter"/> exactly as the kernel would.</summary>
public sealed class LandlockSeccompFilterTests
{
    private const int AfUnix = 1;
    private const int AfInet = 2;
    private const int AfInet6 = 10;
    private const int AfNetlink = 16;
    private const int AfPacket = 17;
    private const int AfVsock = 40;
    private const int SocketcallOnI386 = 102;
    private const int ReadSyscall = 0;

    private static readonly BpfInstruction[] NetworkOff = LandlockSeccompFilter.For(refuseNonLocalSockets: true, refuseReadOnlyTruncation: false)!;
    private static readonly BpfInstruction[] OldAbiWithNetwork = LandlockSeccompFilter.For(refuseNonLocalSockets: false, refuseReadOnlyTruncation: true)!;

    [Theory]
    [InlineData(X64Syscall.SetSession)]
    [InlineData(X64Syscall.SetProcessGroup)]
    public void Leaving_the_process_group_succeeds_without_effect_under_every_setting(int syscall)
    {
        // The whole command stays in the launcher's group, which one kill ends at once.
        var networkOnNewAbi = LandlockSeccompFilter.For(refuseNonLocalSockets: false, refuseReadOnlyTruncation: false);

        Assert.Equal(BpfInterpreter.Errno(0), BpfInterpreter.Run(networkOnNewAbi, BpfInterpreter.X8664, syscall, 0));
        Assert.Equal(BpfInterpreter.Errno(0), BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, syscall, 0));
        Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(networkOnNewAbi, BpfInterpreter.X8664, ReadSyscall, 0));
    }

    [Theory]
    [InlineData(0UL, true)]
    [InlineData(1UL, false)]
    [InlineData(4242UL, false)]
    [InlineData(0xFFFF_FFFF_0000_0000UL, true)]
    public void Limits_may_be_changed_only_for_the_calling_process(ulong pid, bool allowed)
    {
        // prlimit64 on another process of the same user needs no privilege: an attack crashed the launcher with it.
        var filter = LandlockSeccompFilter.For(refuseNonLocalSockets: false, refuseReadOnlyTruncation: false);

        Assert.Equal(allowed ? BpfInterpreter.Allow : BpfInterpreter.Errno(1), BpfInterpreter.Run(filter, BpfInterpreter.X8664, X64Syscall.ProcessLimit, pid));
    }

    [Theory]
    [InlineData(X64Syscall.SchedulerSetParameters)]
    [InlineData(X64Syscall.SchedulerSetPolicy)]
    [InlineData(X64Syscall.SchedulerSetAffinity)]
    [InlineData(X64Syscall.SchedulerSetAttributes)]
    public void Scheduling_may_be_changed_only_for_the_calling_thread_under_every_setting(int syscall)
    {
        // Found by an attack: the kernel lets a process make any other of the same user SCHED_IDLE or pin it to one
        // CPU, and Landlock's scoping does not cover it; the server and its launcher were changed from the sandbox.
        var networkOnNewAbi = LandlockSeccompFilter.For(refuseNonLocalSockets: false, refuseReadOnlyTruncation: false);
        foreach (var filter in new[] { NetworkOff, OldAbiWithNetwork, networkOnNewAbi })
        {
            Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(filter, BpfInterpreter.X8664, syscall, 0));
            Assert.Equal(BpfInterpreter.Errno(1), BpfInterpreter.Run(filter, BpfInterpreter.X8664, syscall, 1));
            Assert.Equal(BpfInterpreter.Errno(1), BpfInterpreter.Run(filter, BpfInterpreter.X8664, syscall, 4242));
        }
    }

    [Theory]
    [InlineData(0UL, 0UL, true)] // PRIO_PROCESS, the caller: what nice(1) does
    [InlineData(0UL, 4242UL, false)] // another process
    [InlineData(1UL, 0UL, false)] // PRIO_PGRP of the caller: the launcher's group, the launcher included
    [InlineData(2UL, 0UL, false)] // PRIO_USER of the caller: every process the user runs (renice -u)
    [InlineData(2UL, 1000UL, false)]
    public void The_nice_value_may_be_changed_only_for_the_calling_process(ulong which, ulong who, bool allowed)
    {
        var filter = LandlockSeccompFilter.For(refuseNonLocalSockets: false, refuseReadOnlyTruncation: false);

        Assert.Equal(allowed ? BpfInterpreter.Allow : BpfInterpreter.Errno(1), BpfInterpreter.Run(filter, BpfInterpreter.X8664, X64Syscall.SetPriority, which, who, 19));
    }

    [Theory]
    [InlineData(1UL, 0UL, true)] // IOPRIO_WHO_PROCESS, the caller: what ionice(1) does when it starts a program
    [InlineData(1UL, 4242UL, false)]
    [InlineData(2UL, 0UL, false)] // IOPRIO_WHO_PGRP
    [InlineData(3UL, 1000UL, false)] // IOPRIO_WHO_USER
    public void The_io_priority_may_be_changed_only_for_the_calling_process(ulong which, ulong who, bool allowed)
    {
        var filter = LandlockSeccompFilter.For(refuseNonLocalSockets: true, refuseReadOnlyTruncation: false);

        Assert.Equal(allowed ? BpfInterpreter.Allow : BpfInterpreter.Errno(1), BpfInterpreter.Run(filter, BpfInterpreter.X8664, X64Syscall.IoPrioritySet, which, who, 0x6000));
    }

    [Theory]
    [InlineData(AfInet)]
    [InlineData(AfInet6)]
    [InlineData(AfPacket)]
    [InlineData(AfVsock)]
    [InlineData(99)]
    public void Sockets_of_every_family_but_unix_and_netlink_are_refused_with_eacces(int family)
    {
        Assert.Equal(BpfInterpreter.Errno(13), BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, X64Syscall.Socket, (ulong)family));
    }

    [Theory]
    [InlineData(AfUnix)]
    [InlineData(AfNetlink)]
    public void Unix_and_netlink_sockets_are_allowed(int family)
    {
        Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, X64Syscall.Socket, (ulong)family));
    }

    [Fact]
    public void Before_abi_9_unix_sockets_are_refused_too_and_netlink_still_allowed()
    {
        var oldAbiNetworkOff = LandlockSeccompFilter.For(refuseNonLocalSockets: true, refuseReadOnlyTruncation: false, refuseUnixSockets: true)!;

        Assert.Equal(BpfInterpreter.Errno(13), BpfInterpreter.Run(oldAbiNetworkOff, BpfInterpreter.X8664, X64Syscall.Socket, AfUnix));
        Assert.Equal(BpfInterpreter.Errno(13), BpfInterpreter.Run(oldAbiNetworkOff, BpfInterpreter.X8664, X64Syscall.Socket, AfInet));
        Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(oldAbiNetworkOff, BpfInterpreter.X8664, X64Syscall.Socket, AfNetlink));
    }

    [Fact]
    public void The_family_is_compared_as_the_int_the_kernel_uses()
    {
        // High bits the kernel drops must not turn AF_INET into something else, nor AF_UNIX into a refusal.
        Assert.Equal(BpfInterpreter.Errno(13), BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, X64Syscall.Socket, 0xFFFF_FFFF_0000_0000UL | AfInet));
        Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, X64Syscall.Socket, 0x1_0000_0000UL | AfUnix));
    }

    [Fact]
    public void Any_system_call_of_a_foreign_architecture_kills_the_process()
    {
        // i386 through int 0x80: socketcall multiplexes the socket calls, and every number differs from x86_64's.
        Assert.Equal(BpfInterpreter.KillProcess, BpfInterpreter.Run(NetworkOff, BpfInterpreter.I386, SocketcallOnI386, 1, 0));
        Assert.Equal(BpfInterpreter.KillProcess, BpfInterpreter.Run(NetworkOff, BpfInterpreter.I386, ReadSyscall));
        Assert.Equal(BpfInterpreter.KillProcess, BpfInterpreter.Run(OldAbiWithNetwork, BpfInterpreter.I386, ReadSyscall));
    }

    [Fact]
    public void X32_system_calls_are_refused()
    {
        const int x32Bit = 0x40000000;
        Assert.Equal(BpfInterpreter.Errno(1), BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, x32Bit | X64Syscall.Socket, AfInet));
        Assert.Equal(BpfInterpreter.Errno(1), BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, x32Bit | ReadSyscall));
    }

    [Theory]
    [InlineData(X64Syscall.IoUringSetup)]
    [InlineData(X64Syscall.IoUringEnter)]
    [InlineData(X64Syscall.IoUringRegister)]
    public void Io_uring_is_reported_missing_whenever_there_is_a_filter(int syscall)
    {
        Assert.Equal(BpfInterpreter.Errno(38), BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, syscall));
        Assert.Equal(BpfInterpreter.Errno(38), BpfInterpreter.Run(OldAbiWithNetwork, BpfInterpreter.X8664, syscall));
    }

    [Theory]
    [InlineData(X64Syscall.SharedMemoryGet)]
    [InlineData(X64Syscall.SharedMemoryAttach)]
    [InlineData(X64Syscall.SharedMemoryControl)]
    [InlineData(X64Syscall.SharedMemoryDetach)]
    [InlineData(X64Syscall.SemaphoreGet)]
    [InlineData(X64Syscall.SemaphoreOperation)]
    [InlineData(X64Syscall.SemaphoreControl)]
    [InlineData(X64Syscall.SemaphoreTimedOperation)]
    [InlineData(X64Syscall.MessageGet)]
    [InlineData(X64Syscall.MessageSend)]
    [InlineData(X64Syscall.MessageReceive)]
    [InlineData(X64Syscall.MessageControl)]
    public void System_v_ipc_is_reported_missing_under_every_setting(int syscall)
    {
        // Found by an attack: System V IPC is named by keys, which Landlock does not see; a command attached to another
        // program's shared memory segment outside the sandbox, read it and wrote into it.
        var networkOnNewAbi = LandlockSeccompFilter.For(refuseNonLocalSockets: false, refuseReadOnlyTruncation: false);
        foreach (var filter in new[] { NetworkOff, OldAbiWithNetwork, networkOnNewAbi })
        {
            Assert.Equal(BpfInterpreter.Errno(38), BpfInterpreter.Run(filter, BpfInterpreter.X8664, syscall));
        }
    }

    [Theory]
    [InlineData(X64Syscall.AddKey)]
    [InlineData(X64Syscall.RequestKey)]
    [InlineData(X64Syscall.KeyControl)]
    public void The_kernels_keyrings_are_reported_missing_under_every_setting(int syscall)
    {
        // Found by an attack: keyrings are no files, so Landlock does not see them; a command read a key of the
        // server's session keyring, and could leave keys behind in the user's keyring.
        var networkOnNewAbi = LandlockSeccompFilter.For(refuseNonLocalSockets: false, refuseReadOnlyTruncation: false);
        foreach (var filter in new[] { NetworkOff, OldAbiWithNetwork, networkOnNewAbi })
        {
            Assert.Equal(BpfInterpreter.Errno(38), BpfInterpreter.Run(filter, BpfInterpreter.X8664, syscall));
        }
    }

    /// <summary>Each system call that changes a mode, with the index of its mode argument.</summary>
    public static TheoryData<int, int> ModeChanges => new()
    {
        { X64Syscall.Chmod, 1 },
        { X64Syscall.FileChmod, 1 },
        { X64Syscall.ChmodAt, 2 },
        { X64Syscall.ChmodAt2, 2 },
    };

    [Theory]
    [MemberData(nameof(ModeChanges))]
    public void A_mode_with_the_set_user_or_group_id_bit_is_refused_under_every_setting(int syscall, int modeArgument)
    {
        // Landlock does not check chmod: an attack made a root-owned copy of bash set-user-ID outside the roots.
        foreach (var filter in new[] { NetworkOff, OldAbiWithNetwork })
        {
            foreach (var mode in new ulong[] { 0x800 | 0x1ED, 0x400 | 0x1ED, 0xC00, 0x800 | 0x200 | 0x1FF, 0xFFFF_FFFF_0000_0800 })
            {
                Assert.Equal(BpfInterpreter.Errno(1), BpfInterpreter.Run(filter, BpfInterpreter.X8664, syscall, ModeAt(modeArgument, mode)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(ModeChanges))]
    public void Ordinary_modes_and_the_sticky_bit_are_allowed_and_only_the_mode_argument_is_read(int syscall, int modeArgument)
    {
        // 0755 (chmod +x), 0666, 01777 (sticky): the bits a build or an unpacked archive sets. The other arguments (a
        // path pointer, a descriptor, AT_FDCWD) may hold any bits; only the mode's are the kernel's mode.
        foreach (var mode in new ulong[] { 0x1ED, 0x1B6, 0x3FF, 0 })
        {
            var arguments = ModeAt(modeArgument, mode);
            for (var other = 0; other < arguments.Length; other++)
            {
                if (other != modeArgument)
                {
                    arguments[other] = 0xC00;
                }
            }

            Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, syscall, arguments));
        }
    }

    [Theory]
    [InlineData(X64Syscall.SetXattr)]
    [InlineData(X64Syscall.LinkSetXattr)]
    [InlineData(X64Syscall.FileSetXattr)]
    [InlineData(X64Syscall.SetXattrAt)]
    [InlineData(X64Syscall.RemoveXattr)]
    [InlineData(X64Syscall.LinkRemoveXattr)]
    [InlineData(X64Syscall.FileRemoveXattr)]
    [InlineData(X64Syscall.RemoveXattrAt)]
    public void Setting_or_removing_an_extended_attribute_is_not_supported_under_every_setting(int syscall)
    {
        // POSIX ACLs are extended attributes, and Landlock does not check them: EOPNOTSUPP reads as "none here".
        Assert.Equal(BpfInterpreter.Errno(95), BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, syscall, 0, 0, 0, 0, 0));
        Assert.Equal(BpfInterpreter.Errno(95), BpfInterpreter.Run(OldAbiWithNetwork, BpfInterpreter.X8664, syscall, 0, 0, 0, 0, 0));
    }

    [Fact]
    public void Ordinary_system_calls_are_allowed()
    {
        Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, ReadSyscall, 0, 0, 0));
        Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, X64Syscall.Truncate));
        Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(OldAbiWithNetwork, BpfInterpreter.X8664, X64Syscall.Socket, AfInet));
        foreach (var readsAttributes in new[] { 191, 192, 193, 194, 195, 196, 464, 465 })
        {
            // getxattr, lgetxattr, fgetxattr, listxattr, llistxattr, flistxattr, getxattrat, listxattrat: reading is fine.
            Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(NetworkOff, BpfInterpreter.X8664, readsAttributes, 0, 0, 0, 0));
        }
    }

    [Fact]
    public void On_an_old_abi_path_truncation_and_read_only_truncating_opens_are_refused()
    {
        const ulong readOnlyTruncate = 0x200;
        Assert.Equal(BpfInterpreter.Errno(13), BpfInterpreter.Run(OldAbiWithNetwork, BpfInterpreter.X8664, X64Syscall.Truncate, 0, 0));
        Assert.Equal(BpfInterpreter.Errno(13), BpfInterpreter.Run(OldAbiWithNetwork, BpfInterpreter.X8664, X64Syscall.Open, 0, readOnlyTruncate));
        Assert.Equal(BpfInterpreter.Errno(13), BpfInterpreter.Run(OldAbiWithNetwork, BpfInterpreter.X8664, X64Syscall.OpenAt, 0, 0, readOnlyTruncate | 0x80000));
        Assert.Equal(BpfInterpreter.Errno(38), BpfInterpreter.Run(OldAbiWithNetwork, BpfInterpreter.X8664, X64Syscall.OpenAt2));
    }

    [Theory]
    [InlineData(0x0)]
    [InlineData(0x1 | 0x200)]
    [InlineData(0x2 | 0x200)]
    [InlineData(0x1 | 0x40)]
    public void On_an_old_abi_opens_that_landlock_checks_itself_are_allowed(int flags)
    {
        // Reading without truncating, or writing (O_WRONLY 1, O_RDWR 2, with or without O_TRUNC), which Landlock checks at open.
        Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(OldAbiWithNetwork, BpfInterpreter.X8664, X64Syscall.Open, 0, (ulong)flags));
        Assert.Equal(BpfInterpreter.Allow, BpfInterpreter.Run(OldAbiWithNetwork, BpfInterpreter.X8664, X64Syscall.OpenAt, 0, 0, (ulong)flags));
    }

    private static ulong[] ModeAt(int index, ulong mode)
    {
        var arguments = new ulong[index + 2];
        arguments[index] = mode;
        return arguments;
    }

    [Fact]
    public void The_builder_refuses_a_backward_or_missing_jump_target()
    {
        Assert.Throws<InvalidOperationException>(() => new BpfProgramBuilder().Label("x").Load(0).JumpIfEqual(1, "x").Return(0).Build());
        Assert.Throws<InvalidOperationException>(() => new BpfProgramBuilder().Load(0).JumpIfEqual(1, "nowhere").Return(0).Build());
        Assert.Throws<InvalidOperationException>(() => new BpfProgramBuilder().Load(0).Build());
    }
}
