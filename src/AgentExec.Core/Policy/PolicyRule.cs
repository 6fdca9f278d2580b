using AgentExec.Core.Configuration;
namespace AgentExec.Core.Policy;

/// <summary>A user-written rule: a command pattern and what to do with the commands it matches.</summary>
/// <param name="Pattern">Program name first, then tokens; flags match wherever they stand, other tokens as a prefix of the command's non-flag arguments.</param>
/// <param name="Decision">What happens to a matching simple command.</param>
/// <param name="Justification">Optional text shown in the question or the denial.</param>
/// <param name="Origin">The file the rule came from.</param>
public sealed record PolicyRule(
    IReadOnlyList<string> Pattern,
    RuleDecision Decision,
    string? Justification,
    RuleOrigin Origin);
