namespace AgentExec.Core.Policy;

/// <summary>Supplies the rules in force right now; reloading sources swap in a new snapshot when a file changes.</summary>
public interface IRuleSource
{
    /// <summary>An immutable snapshot of the current rules, user and workspace together.</summary>
    IReadOnlyList<PolicyRule> Current { get; }
}
