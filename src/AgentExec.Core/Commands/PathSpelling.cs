namespace AgentExec.Core.Commands;

/// <summary>One way an argument may name a path, for the credential check.</summary>
/// <param name="Path">The path (relative paths are taken from each candidate directory).</param>
/// <param name="IsPattern">True when it is a pathname pattern that bash expands.</param>
internal readonly record struct PathSpelling(string Path, bool IsPattern);
