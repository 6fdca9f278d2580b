namespace AgentExec.Core.Configuration;

/// <summary>The user config's <c>env</c> key: which extra host variables a command may see, and which to set.</summary>
/// <param name="Keep">Extra variable names passed through from the host (exact names; the only way a secret-looking name passes).</param>
/// <param name="Set">Variables set for every command, after the allow-list.</param>
public sealed record EnvironmentSettings(IReadOnlyList<string> Keep, IReadOnlyDictionary<string, string> Set)
{
    /// <summary>Nothing kept beyond the built-in allow-list, nothing set.</summary>
    public static EnvironmentSettings Default { get; } = new([], new Dictionary<string, string>());
}
