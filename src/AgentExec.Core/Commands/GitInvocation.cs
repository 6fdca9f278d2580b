namespace AgentExec.Core.Commands;

/// <summary>What <see cref="GitInspection"/> read of a literal <c>git</c> command.</summary>
/// <param name="Directories">The <c>-C</c> directories, in order (each relative to the one before).</param>
/// <param name="Refusal">Why it is not a known-safe inspection, or null when it is.</param>
internal sealed record GitInvocation(IReadOnlyList<string> Directories, string? Refusal);
