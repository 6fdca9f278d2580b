namespace AgentExec.Core.Commands;

/// <summary>STUB, replaced by the real reader: refuses every repository.</summary>
internal static class GitRepositoryConfig
{
    /// <summary>Null when no program is named; otherwise why.</summary>
    public static string? FindProgramSetting(string workingDirectory, string? homeDirectory, IReadOnlyList<string> writableRoots) =>
        workingDirectory.Length + (homeDirectory?.Length ?? 0) + writableRoots.Count >= 0 ? null : "unreachable";
}
