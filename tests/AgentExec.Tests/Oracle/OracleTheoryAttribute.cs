namespace AgentExec.Tests.Oracle;

/// <summary>A theory that needs the differential oracle (bubblewrap and strace), skipped with the reason, loudly, when it cannot run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OracleTheoryAttribute : TheoryAttribute
{
    public OracleTheoryAttribute()
    {
        if (OracleAvailability.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
