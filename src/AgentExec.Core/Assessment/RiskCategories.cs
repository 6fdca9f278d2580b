namespace AgentExec.Core.Assessment;

/// <summary>The risk categories of SPEC.md "Risk assessment", spelled as on the wire; nothing else is accepted.</summary>
internal static class RiskCategories
{
    /// <summary>Every category, in the SPEC's order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "data_deletion",
        "data_exfiltration",
        "privilege_escalation",
        "system_modification",
        "network_access",
        "resource_exhaustion",
        "compliance",
        "none",
    ];

    /// <summary>True for one of <see cref="All"/>, compared exactly (case included).</summary>
    public static bool IsKnown(string category) => All.Contains(category, StringComparer.Ordinal);
}
