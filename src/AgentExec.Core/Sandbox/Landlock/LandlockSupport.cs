using System.Runtime.InteropServices;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>Finds out whether the Landlock backend can work on this machine, for the sandbox selector and the tests.</summary>
public static class LandlockSupport
{
    /// <summary>The refusal on anything but x86_64 Linux, whose system call numbers the seccomp filter compares.</summary>
    internal const string UnsupportedArchitecture =
        "the Landlock backend supports x86_64 Linux only (its seccomp filter compares x86_64 system call numbers); use bubblewrap";

    /// <summary>Asks the kernel for its Landlock ABI version; a cheap system call with no side effect.</summary>
    public static LandlockProbe Probe()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return new LandlockProbe(0, UnsupportedArchitecture);
        }

        var abi = LandlockRuleset.ProbeAbi();
        return abi >= 1 ? new LandlockProbe(abi, null) : new LandlockProbe(0, DescribeMissingLandlock(-abi));
    }

    /// <summary>Why there is no Landlock, from the errno of the version probe, with the fix.</summary>
    internal static string DescribeMissingLandlock(int errno) => errno switch
    {
        Errno.ENOSYS => "this kernel has no Landlock: it needs Linux 5.13 or newer built with CONFIG_SECURITY_LANDLOCK "
            + "(or install bubblewrap: apt-get install bubblewrap)",
        Errno.EOPNOTSUPP => "Landlock is built into this kernel but not enabled: add landlock to the lsm= boot parameter "
            + "(or install bubblewrap: apt-get install bubblewrap)",
        _ => $"the Landlock probe failed: {Libc.Describe(errno)}",
    };
}
