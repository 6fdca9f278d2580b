namespace AgentExec.Tests.Core.Sandbox;

/// <summary>The theory form of <see cref="LandlockFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class LandlockTheoryAttribute : TheoryAttribute
{
    public LandlockTheoryAttribute()
    {
        if (LandlockTestLauncher.UnavailableReason is { } reason)
        {
            Skip = $"LANDLOCK SANDBOX NOT TESTED: {reason}";
        }
    }
}
