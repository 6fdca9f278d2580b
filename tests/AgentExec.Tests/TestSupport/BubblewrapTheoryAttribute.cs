namespace AgentExec.Tests.TestSupport;

/// <summary>A theory that runs against the real <c>bwrap</c>, and is skipped with the reason, loudly, when it cannot work here.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BubblewrapTheoryAttribute : TheoryAttribute
{
    public BubblewrapTheoryAttribute()
    {
        if (BubblewrapAvailability.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
