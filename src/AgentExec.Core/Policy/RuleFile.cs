namespace AgentExec.Core.Policy;

/// <summary>A file that <see cref="RuleBook"/> reads rules from, and how far it is trusted.</summary>
/// <param name="Path">The file's absolute path; it need not exist.</param>
/// <param name="Origin">
/// <see cref="RuleOrigin.User"/> for a user config outside the workspace; <see cref="RuleOrigin.Workspace"/> for a file
/// the agent can write, whose <c>allow</c> rules are dropped.
/// </param>
public sealed record RuleFile(string Path, RuleOrigin Origin);
