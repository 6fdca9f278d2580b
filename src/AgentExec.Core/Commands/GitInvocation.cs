namespace AgentExec.Core.Commands;

/// <summary>What <see cref="GitInspection"/> read of a literal <c>git</c> command.</summary>
/// <param name="Directories">The <c>-C</c> directories, in order (each relative to the one before).</param>
/// <param name="Refusal">Why it is not a known-safe inspection, or null when it is.</param>
internal sealed record GitInvocation(IReadOnlyList<string> Directories, string? Refusal)
{
    /// <summary>The subcommand (<c>diff</c>, <c>log</c>, …), or null when the line has none or was refused before it.</summary>
    public string? Subcommand { get; init; }

    /// <summary>The subcommand's operands (revisions and paths), in order.</summary>
    public IReadOnlyList<string> Operands { get; init; } = [];
}
