namespace AgentExec.Tests.Core.Commands.Properties;

/// <summary>One generated case: a known-safe candidate line and the same line with an expansion put into one of its arguments.</summary>
/// <param name="Original">The line as generated, every argument a literal word.</param>
/// <param name="Mutated">The line with the expansion inserted.</param>
/// <param name="Expansion">The expansion as it was inserted (for the report).</param>
internal sealed record ExpansionInsertion(string Original, string Mutated, string Expansion)
{
    public override string ToString() => $"{BoundedAnalysis.Visible(Mutated)} (from {BoundedAnalysis.Visible(Original)}, inserted {Expansion})";
}
