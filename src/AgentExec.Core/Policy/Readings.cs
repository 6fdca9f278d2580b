namespace AgentExec.Core.Policy;

/// <summary>The ways a command's arguments can be read.</summary>
/// <param name="All">Every reading followed.</param>
/// <param name="Complete">False when there were more than <see cref="ArgumentReader.MaxReadings"/> and some were not followed.</param>
internal sealed record Readings(IReadOnlyList<ArgumentReading> All, bool Complete);
