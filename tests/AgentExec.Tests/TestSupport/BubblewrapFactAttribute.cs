namespace AgentExec.Tests.TestSupport;

/// <summary>A fact that runs against the real <c>bwrap</c>, and is skipped with the reason, loudly, when it cannot work here.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BubblewrapFactAttribute : FactAttribute
{
    public BubblewrapFactAttribute()
    {
        if (BubblewrapAvailability.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
