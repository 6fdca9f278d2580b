using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;

namespace AgentExec.Core.Sandbox;

/// <summary>The host paths a sandbox hides or keeps read-only in every sandboxed mode, gathered once at start-up.</summary>
/// <param name="HomeDirectories">The server's home directory (whose credential files and folders are hidden); usually one.</param>
/// <param name="RuntimeDirectory"><c>$XDG_RUNTIME_DIR</c>, hidden with the sockets in it; null when unset.</param>
/// <param name="UserConfigPath">The user config file in use, hidden; null when there is none or it is a workspace config.</param>
/// <param name="UserConfigDirectory">
/// AgentExec's own config directory (<c>$XDG_CONFIG_HOME/agentexec</c>), hidden whole so that no command can plant a
/// config there for the next start; null when unknown.
/// </param>
/// <param name="AuditLogPath">The audit log, never writable.</param>
/// <param name="ReadOnlyFiles">Further files that must stay read-only (a workspace config named by <c>--config</c>).</param>
public sealed record SandboxHostPaths(
    IReadOnlyList<string> HomeDirectories,
    string? RuntimeDirectory,
    string? UserConfigPath,
    string? UserConfigDirectory,
    string AuditLogPath,
    IReadOnlyList<string> ReadOnlyFiles)
{
    /// <summary>
    /// The credential list to hide (with <c>credential_paths</c>); null for the built-in list alone. The mount plan adds
    /// <see cref="HomeDirectories"/>, the command's own <c>HOME</c>, the user config, its folder and the audit log.
    /// </summary>
    public CredentialList? Credentials { get; init; }

    /// <summary>
    /// The server's own <c>$TMPDIR</c> when it is set and absolute: hidden like <c>/tmp</c> (a no-op when it is
    /// <c>/tmp</c>), unless it is the workspace or a writable root; null when unset.
    /// </summary>
    public string? TemporaryDirectory { get; init; }

    /// <summary>
    /// The user's global git configuration files, where git looks for them (<c>~/.gitconfig</c>,
    /// <c>$XDG_CONFIG_HOME/git/config</c> or <c>~/.config/git/config</c>, <c>$GIT_CONFIG_GLOBAL</c>): kept read-only with
    /// what they include where a writable root holds them (a workspace of dotfiles that <c>~/.gitconfig</c> links into),
    /// since git reads them in every repository of the user's, outside any sandbox, and the git check trusts them.
    /// </summary>
    public IReadOnlyList<string> GitGlobalConfigs { get; init; } = [];

    /// <summary>
    /// The agentexec binary and the folders it loads from (<see cref="AgentExecInstallation.Places"/>): the server runs
    /// unsandboxed from them, so the mount plan keeps those inside a writable directory read-only.
    /// </summary>
    public IReadOnlyList<string> AgentExecPlaces { get; init; } = [];

    /// <summary>Gathers the paths from the resolved settings and the server's environment.</summary>
    /// <param name="settings">The resolved settings (config and audit log paths).</param>
    /// <param name="hostEnvironment">The server's environment (<c>HOME</c>, <c>XDG_RUNTIME_DIR</c>, <c>XDG_CONFIG_HOME</c>, <c>TMPDIR</c>).</param>
    /// <returns>The paths; ones that do not exist are kept and skipped when a command is wrapped, since they may appear later.</returns>
    public static SandboxHostPaths From(AgentExecSettings settings, IReadOnlyDictionary<string, string> hostEnvironment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(hostEnvironment);

        var home = AbsoluteOrNull(hostEnvironment, "HOME");
        var configDirectory = ConfigPaths.UserConfigDirectory(hostEnvironment, home);

        // A config inside the workspace is the agent's own file (it may only tighten the policy, SPEC.md "Who may
        // loosen the policy"): it stays readable, and read-only like agentexec.json.
        var workspaceConfig = settings.ConfigPath is { } config && settings.ConfigIsInsideWorkspace ? config : null;
        return new SandboxHostPaths(
            home is null ? [] : [home],
            AbsoluteOrNull(hostEnvironment, "XDG_RUNTIME_DIR"),
            workspaceConfig is null ? settings.ConfigPath : null,
            configDirectory,
            settings.AuditLogPath,
            workspaceConfig is null ? [] : [workspaceConfig])
        {
            Credentials = CredentialList.ForSettings(settings, hostEnvironment),
            TemporaryDirectory = AbsoluteOrNull(hostEnvironment, "TMPDIR"),
            GitGlobalConfigs = GitGlobalConfigsOf(name => hostEnvironment.TryGetValue(name, out var value) ? value : null),
        };
    }

    /// <summary>Where git looks for the user's global configuration, given <paramref name="environment"/> (<c>HOME</c>, <c>XDG_CONFIG_HOME</c>, <c>GIT_CONFIG_GLOBAL</c>).</summary>
    internal static string[] GitGlobalConfigsOf(Func<string, string?> environment)
    {
        // Every place git may read, whichever of them it reads today: one that does not exist yet can be created.
        var paths = new List<string>();
        if (Absolute(environment("HOME")) is { } home)
        {
            paths.Add(Path.Join(home, ".gitconfig"));
            paths.Add(Path.Join(home, ".config", "git", "config"));
        }

        foreach (var (variable, relative) in new[] { ("XDG_CONFIG_HOME", "git/config"), ("GIT_CONFIG_GLOBAL", "") })
        {
            if (Absolute(environment(variable)) is { } value)
            {
                paths.Add(relative.Length == 0 ? value : Path.Join(value, relative));
            }
        }

        return [.. paths.Distinct(StringComparer.Ordinal)];
    }

    private static string? Absolute(string? value) => value is not null && Path.IsPathFullyQualified(value) ? value : null;

    /// <summary>The variable <paramref name="name"/> of <paramref name="environment"/> when it holds an absolute path, else null.</summary>
    internal static string? AbsoluteOrNull(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && Path.IsPathFullyQualified(value) ? value : null;
}
