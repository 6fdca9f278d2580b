namespace AgentExec.Core.Configuration;

/// <summary>The default locations of AgentExec's files (XDG Base Directory) and how paths are made absolute.</summary>
internal static class ConfigPaths
{
    /// <summary>The user config's name under <c>$XDG_CONFIG_HOME</c>.</summary>
    public static readonly string UserConfigRelativePath = Path.Join("agentexec", "config.json");

    /// <summary>The audit log's name under <c>$XDG_STATE_HOME</c>.</summary>
    public static readonly string AuditLogRelativePath = Path.Join("agentexec", "audit.jsonl");

    /// <summary>Makes a path absolute against a base directory and normalises <c>.</c>, <c>..</c> and doubled separators.</summary>
    /// <param name="path">A path, absolute or relative.</param>
    /// <param name="baseDirectory">The absolute directory a relative path is taken from.</param>
    /// <returns>The absolute path, without a trailing separator (except <c>/</c> itself).</returns>
    public static string MakeAbsolute(string path, string baseDirectory) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, baseDirectory));

    /// <summary>AgentExec's own config directory, <c>$XDG_CONFIG_HOME/agentexec</c>; null when neither that variable nor the home directory is usable.</summary>
    /// <param name="environment">The process environment.</param>
    /// <param name="home">The home directory, or null when unknown.</param>
    /// <returns>The directory.</returns>
    public static string? UserConfigDirectory(IReadOnlyDictionary<string, string> environment, string? home) =>
        XdgDirectory(environment, "XDG_CONFIG_HOME", home, ".config") is { } configHome
            ? Path.Join(configHome, Path.GetDirectoryName(UserConfigRelativePath))
            : null;

    /// <summary>
    /// Every folder a start without <c>--config</c> may read the user config from: <c>$XDG_CONFIG_HOME/agentexec</c> and
    /// <c>~/.config/agentexec</c> (a later start may run with another <c>XDG_CONFIG_HOME</c>, or none).
    /// </summary>
    /// <param name="environment">The process environment.</param>
    /// <param name="home">The home directory, or null when unknown.</param>
    public static string[] DefaultUserConfigDirectories(IReadOnlyDictionary<string, string> environment, string? home) =>
        ((IEnumerable<string?>)[UserConfigDirectory(environment, home), UserConfigDirectory(new Dictionary<string, string>(), home)])
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    /// <summary>An XDG base directory: the variable when it holds an absolute path, else <c>$HOME/</c> + the fallback.</summary>
    /// <remarks>The XDG spec says a relative value is invalid and must be ignored, as must an empty one.</remarks>
    /// <param name="environment">The process environment.</param>
    /// <param name="variable"><c>XDG_CONFIG_HOME</c> or <c>XDG_STATE_HOME</c>.</param>
    /// <param name="home">The home directory, or null when unknown.</param>
    /// <param name="fallbackUnderHome"><c>.config</c> or <c>.local/state</c>.</param>
    /// <returns>The directory, or null when neither the variable nor the home directory is usable.</returns>
    public static string? XdgDirectory(
        IReadOnlyDictionary<string, string> environment,
        string variable,
        string? home,
        string fallbackUnderHome)
    {
        if (environment.TryGetValue(variable, out var value) && Path.IsPathFullyQualified(value))
        {
            return MakeAbsolute(value, "/");
        }

        return home is null ? null : Path.Join(home, fallbackUnderHome);
    }
}
