using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>A test that needs a kernel with Landlock and the built launcher; skipped, with the reason in capitals, otherwise.</summary>
/// <remarks>STYLE.md §8: a sandbox test that cannot run must say so loudly, never pass silently.</remarks>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class LandlockFactAttribute : FactAttribute
{
    private int _minimumAbi;

    public LandlockFactAttribute()
    {
        if (LandlockTestLauncher.UnavailableReason is { } reason)
        {
            Skip = $"LANDLOCK SANDBOX NOT TESTED: {reason}";
        }
    }

    /// <summary>The oldest Landlock ABI the behaviour under test exists in; older kernels skip the test, saying so.</summary>
    public int MinimumAbi
    {
        get => _minimumAbi;
        set
        {
            _minimumAbi = value;
            var abi = LandlockSupport.Probe().Abi;
            if (Skip is null && abi < value)
            {
                Skip = $"LANDLOCK ABI {abi} HERE, THIS TEST NEEDS ABI {value}: not tested on this kernel.";
            }
        }
    }
}
