namespace AgentExec.Core.Assessment;

/// <summary>An LLM's advisory judgement of a command: what it will likely do and how risky it is.</summary>
/// <param name="Description">One line, 1–500 characters, written by the model (untrusted text: escape before showing).</param>
/// <param name="Level">The risk level.</param>
/// <param name="Category">One of SPEC.md's categories (<c>data_deletion</c>, …, <c>none</c>).</param>
public sealed record RiskAssessment(string Description, RiskLevel Level, string Category)
{
    /// <summary>The level's wire spelling (<c>low</c>, <c>medium</c>, <c>high</c>).</summary>
    public string LevelCode => Level switch
    {
        RiskLevel.Low => "low",
        RiskLevel.Medium => "medium",
        _ => "high",
    };
}
