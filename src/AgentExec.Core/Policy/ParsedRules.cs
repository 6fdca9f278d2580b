namespace AgentExec.Core.Policy;

/// <summary>The rules read from one file: those in force, and the <c>allow</c> rules a workspace file may not contribute.</summary>
/// <param name="Rules">The rules to use, in file order.</param>
/// <param name="IgnoredAllowRules">Allow rules dropped because the file is inside the workspace (always empty for the user config).</param>
internal sealed record ParsedRules(IReadOnlyList<PolicyRule> Rules, IReadOnlyList<PolicyRule> IgnoredAllowRules);
