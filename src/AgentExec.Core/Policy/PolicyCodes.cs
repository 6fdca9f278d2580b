namespace AgentExec.Core.Policy;

/// <summary>The wire spelling of the policy vocabulary: one place for every renderer and parser.</summary>
public static class PolicyCodes
{
    /// <summary>The code of a part verdict (<c>known_safe</c>, <c>dangerous</c>…).</summary>
    public static string ToCode(this PartVerdict verdict) => verdict switch
    {
        PartVerdict.KnownSafe => "known_safe",
        PartVerdict.Allowed => "allowed",
        PartVerdict.Ordinary => "ordinary",
        PartVerdict.Prompt => "prompt",
        PartVerdict.Dangerous => "dangerous",
        PartVerdict.Forbidden => "forbidden",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown verdict"),
    };

    /// <summary>The code of a policy verdict (<c>run</c>, <c>ask</c>, <c>forbid</c>).</summary>
    public static string ToCode(this PolicyVerdict verdict) => verdict switch
    {
        PolicyVerdict.Run => "run",
        PolicyVerdict.Ask => "ask",
        PolicyVerdict.Forbid => "forbid",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown verdict"),
    };
}
