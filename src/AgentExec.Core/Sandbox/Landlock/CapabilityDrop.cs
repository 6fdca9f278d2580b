using System.Globalization;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>Empties the calling thread's capability sets, so that nothing the command runs can hold a capability.</summary>
/// <remarks>
/// Every set is per thread (it lives in the thread's credentials) and is inherited by the processes it starts. Root
/// matters most: <c>execve</c> gives uid 0 its bounding set as permitted capabilities even under <c>no_new_privs</c>,
/// so for root an empty bounding set is what keeps the command capability-free. For any other user, <c>no_new_privs</c>
/// already stops file capabilities and set-uid bits, so a bounding set it may not drop (no CAP_SETPCAP) is harmless.
/// </remarks>
internal static unsafe class CapabilityDrop
{
    // prctl options (include/uapi/linux/prctl.h).
    private const nint PrCapBsetRead = 23;
    private const nint PrCapBsetDrop = 24;
    private const nint PrCapAmbient = 47;
    private const nint PrCapAmbientClearAll = 4;

    // capset(2) header version 3: 64-bit sets as two 32-bit halves (linux/capability.h _LINUX_CAPABILITY_VERSION_3).
    private const uint CapabilityVersion3 = 0x20080522;

    /// <summary>Reads <c>/proc/sys/kernel/cap_last_cap</c>, the highest capability number this kernel knows.</summary>
    /// <remarks>Without <c>/proc</c> the bounding set is probed instead: <c>PR_CAPBSET_READ</c> answers EINVAL past the last one.</remarks>
    public static int LastCapability()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            var capability = 0;
            while (Prctl(PrCapBsetRead, capability + 1, 0) >= 0)
            {
                capability++;
            }

            return capability;
        }
    }

    /// <summary>Drops the bounding set (capabilities 0..<paramref name="lastCapability"/>), then the ambient, inheritable, permitted and effective sets.</summary>
    /// <exception cref="LandlockSetupException">A set could not be emptied where it matters.</exception>
    public static void DropAllFromCallingThread(int lastCapability)
    {
        // The bounding set first: dropping from it needs CAP_SETPCAP in the effective set, which capset removes below.
        var isRoot = Libc.GetEffectiveUserId() == 0;
        for (var capability = 0; capability <= lastCapability; capability++)
        {
            var present = Prctl(PrCapBsetRead, capability, 0);
            if (present < 0)
            {
                throw new LandlockSetupException($"cannot read capability {capability} of the bounding set: {Libc.Describe(Libc.LastError)}");
            }

            if (present == 1 && Prctl(PrCapBsetDrop, capability, 0) != 0)
            {
                var errno = Libc.LastError;
                if (errno != Errno.EPERM || isRoot)
                {
                    throw new LandlockSetupException(
                        $"cannot drop capability {capability} from the bounding set: {Libc.Describe(errno)}; as root, agentexec needs CAP_SETPCAP to run commands without capabilities");
                }
            }
        }

        if (Prctl(PrCapAmbient, PrCapAmbientClearAll, 0) != 0)
        {
            throw new LandlockSetupException($"cannot clear the ambient capabilities: {Libc.Describe(Libc.LastError)}");
        }

        var header = stackalloc uint[2] { CapabilityVersion3, 0 };
        var data = stackalloc uint[6];
        if (Libc.Syscall(X64Syscall.CapSet, (nint)header, (nint)data, 0, 0, 0) != 0)
        {
            throw new LandlockSetupException($"cannot clear the effective, permitted and inheritable capabilities: {Libc.Describe(Libc.LastError)}");
        }

        // Read them back: a kernel that silently kept something must not pass for one that dropped it.
        data[0] = data[1] = data[2] = data[3] = data[4] = data[5] = uint.MaxValue;
        if (Libc.Syscall(X64Syscall.CapGet, (nint)header, (nint)data, 0, 0, 0) != 0
            || (data[0] | data[1] | data[2] | data[3] | data[4] | data[5]) != 0)
        {
            throw new LandlockSetupException("the capability sets are not empty after clearing them");
        }
    }

    private static nint Prctl(nint option, nint arg2, nint arg3) => Libc.Syscall(X64Syscall.Prctl, option, arg2, arg3, 0, 0);
}
