namespace AgentExec.Tests.Oracle;

/// <summary>A fact that needs the differential oracle (bubblewrap and strace), skipped with the reason, loudly, when it cannot run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OracleFactAttribute : FactAttribute
{
    public OracleFactAttribute()
    {
        if (OracleAvailability.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
