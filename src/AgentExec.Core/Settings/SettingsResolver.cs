using System.Diagnostics.CodeAnalysis;
using AgentExec.Core.Configuration;
using AgentExec.Core.Policy;

namespace AgentExec.Core.Settings;

/// <summary>
/// Resolves the settings shared by serve/run/check/assess from flags, environment, user config and defaults
/// (SPEC.md "Command line"), validating every value and deciding how far the user config is trusted.
/// </summary>
/// <remarks>
/// <para>Precedence is flag &gt; <c>AGENTEXEC_&lt;KEY&gt;</c> &gt; user config &gt; default, per key.</para>
/// <para>
/// A user config that resolves inside the workspace (before or after following symbolic links) is a workspace config:
/// the agent can write it, so only its <c>prompt</c> and <c>forbidden</c> rules (and <c>network.denied_domains</c>, see
/// <see cref="NetworkSetting"/>) count and its other keys are ignored with a warning. The rules themselves are held and reloaded by <see cref="RuleBook"/>; this type only checks, at start-up,
/// that both rule files are valid, because refusing to start beats running with a policy the user did not write.
/// </para>
/// <para>See <c>docs/configuration.md</c> for every key, its bounds and the decisions behind them.</para>
/// </remarks>
public static class SettingsResolver
{
    /// <summary>Resolves and validates the settings.</summary>
    /// <param name="input">Flags, environment, current and home directories.</param>
    /// <returns>The settings with their warnings, or the first error, naming the flag at fault.</returns>
    /// <exception cref="ArgumentException">The current directory is not absolute (a front-end bug, not a user error).</exception>
    public static SettingsResolution Resolve(SettingsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Path.IsPathFullyQualified(input.CurrentDirectory))
        {
            throw new ArgumentException("The current directory must be an absolute path.", nameof(input));
        }

        return TryResolve(input, out var settings, out var error)
            ? SettingsResolution.Success(settings)
            : SettingsResolution.Failure(error);
    }

    private static bool TryResolve(
        SettingsInput input,
        [NotNullWhen(true)] out AgentExecSettings? settings,
        [NotNullWhen(false)] out SettingsError? error)
    {
        settings = null;
        if (!TryCheckFlagKeys(input, out error))
        {
            return false;
        }

        var warnings = new List<string>();
        var home = Path.IsPathFullyQualified(input.HomeDirectory)
            ? ConfigPaths.MakeAbsolute(input.HomeDirectory, "/")
            : null;
        var layers = new SettingLayers(input, home, Config: null);

        if (!TryLoadUserConfig(layers, warnings, out var config, out error)
            || !TryResolveWorkspace(layers, config, out var workspace, out error))
        {
            return false;
        }

        var configIsInsideWorkspace = config is not null && IsInside(config, workspace);
        if (config is not null)
        {
            if (!TryCheckRules(config.Root, config.Path, configIsInsideWorkspace ? RuleOrigin.Workspace : RuleOrigin.User, SettingKeys.Config, out error))
            {
                return false;
            }

            if (configIsInsideWorkspace)
            {
                WarnAboutIgnoredKeys(config, workspace, warnings);
            }
            else
            {
                layers = layers with { Config = config };
            }
        }

        // The defaults live in one place: AgentExecSettings' initialisers.
        var defaults = new AgentExecSettings { Workspace = workspace, AuditLogPath = "" };
        if (!layers.TryEnum(SettingKeys.Sandbox, SettingNames.SandboxModes, defaults.Sandbox, out var sandbox, out error)
            || !layers.TryEnum(SettingKeys.ApprovalPolicy, SettingNames.ApprovalPolicies, defaults.ApprovalPolicy, out var approvalPolicy, out error)
            || !layers.TryEnum(SettingKeys.SandboxBackend, SettingNames.SandboxBackends, defaults.SandboxBackend, out var backend, out error)
            || !layers.TryMilliseconds(SettingKeys.ApprovalTimeoutMs, SettingBounds.MinApprovalTimeoutMs, SettingBounds.MaxApprovalTimeoutMs, defaults.ApprovalTimeout, out var approvalTimeout, out error)
            || !layers.TryMilliseconds(SettingKeys.AssessmentTimeoutMs, SettingBounds.MinAssessmentTimeoutMs, SettingBounds.MaxAssessmentTimeoutMs, defaults.AssessmentTimeout, out var assessmentTimeout, out error)
            || !layers.TryBoolean(SettingKeys.ExperimentalSandboxCommandAssessment, defaults.ExperimentalSandboxCommandAssessment, out var assessment, out error)
            || !TryResolveAuditLog(layers, workspace, warnings, out var auditLog, out error))
        {
            return false;
        }

        var writableRoots = defaults.WritableRoots;
        var credentialPaths = defaults.CredentialPaths;
        var environment = defaults.Env;
        var limits = defaults.Limits;
        var telemetry = defaults.Telemetry;
        var assessmentPrompt = defaults.AssessmentPromptPath;
        if (layers.Config is { } trusted
            && (!ConfigOnlyKeys.TryReadWritableRoots(trusted, home, ConfigPaths.DefaultUserConfigDirectories(layers.Input.Environment, home), warnings, out writableRoots, out error)
                || !ConfigOnlyKeys.TryReadCredentialPaths(trusted, out credentialPaths, out error)
                || !ConfigOnlyKeys.TryReadEnvironment(trusted, warnings, out environment, out error)
                || !ConfigOnlyKeys.TryReadLimits(trusted, warnings, out limits, out error)
                || !ConfigOnlyKeys.TryReadTelemetry(trusted, warnings, out telemetry, out error)
                || !ConfigOnlyKeys.TryReadAssessmentPrompt(trusted, home, workspace, writableRoots, out assessmentPrompt, out error)))
        {
            return false;
        }

        // A writable root is as writable as the workspace: where the sandbox cannot hide the log (Landlock), a command
        // with no question can truncate or rewrite it, and the next append starts a fresh chain that verifies. Said as
        // for the workspace (TryResolveAuditLog).
        foreach (var root in writableRoots)
        {
            if (RealPath.IsSameOrInside(auditLog, root))
            {
                warnings.Add($"the audit log {auditLog} is inside the writable root {root}; where the sandbox cannot keep it read-only (Landlock) commands could rewrite it (check with `agentexec audit verify --expect-head`)");
            }
        }

        var workspaceNetwork = new List<NetworkSetting.WorkspaceValue>();
        if (config is not null && configIsInsideWorkspace && config.Root.TryGetProperty(SettingKeys.Network, out var insideValue))
        {
            workspaceNetwork.Add(new(config.Path, insideValue, SettingKeys.FlagName(SettingKeys.Config)));
        }

        if (!TryCheckWorkspaceRuleFile(workspace, config, warnings, workspaceNetwork, out error)
            || !NetworkSetting.TryResolve(layers, workspaceNetwork, warnings, out var network, out var networkLists, out error))
        {
            return false;
        }

        settings = defaults with
        {
            Sandbox = sandbox,
            ApprovalPolicy = approvalPolicy,
            SandboxBackend = backend,
            Network = network,
            NetworkLists = networkLists,
            ApprovalTimeout = approvalTimeout,
            AssessmentTimeout = assessmentTimeout,
            ExperimentalSandboxCommandAssessment = assessment,
            ConfigPath = config?.RealPath,
            ConfigIsInsideWorkspace = configIsInsideWorkspace,
            AuditLogPath = auditLog,
            WritableRoots = writableRoots,
            CredentialPaths = credentialPaths,
            Env = environment,
            Limits = limits,
            Telemetry = telemetry,
            AssessmentPromptPath = assessmentPrompt,
            Warnings = warnings.ToArray(),
        };
        return true;
    }

    private static bool TryCheckFlagKeys(SettingsInput input, [NotNullWhen(false)] out SettingsError? error)
    {
        foreach (var (key, _) in input.Flags)
        {
            if (SettingKeys.ConfigOnly.Contains(key, StringComparer.Ordinal))
            {
                error = new SettingsError(SettingKeys.FlagName(key), $"'{key}' can only be set in the user config file");
                return false;
            }

            if (!SettingKeys.Shared.Contains(key, StringComparer.Ordinal))
            {
                error = new SettingsError(SettingKeys.FlagName(key), "unknown option");
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>Finds the user config (--config &gt; AGENTEXEC_CONFIG &gt; the XDG default if present) and parses it.</summary>
    private static bool TryLoadUserConfig(
        SettingLayers layers,
        List<string> warnings,
        out UserConfigFile? config,
        [NotNullWhen(false)] out SettingsError? error)
    {
        config = null;
        error = null;
        string path;
        if (layers.Find(SettingKeys.Config) is { } raw)
        {
            if (!raw.TryReadPath(out var named, out error))
            {
                return false;
            }

            path = named;
            if (!File.Exists(path))
            {
                error = raw.Error($"{path}: {(Path.Exists(path) ? "not a file" : "no such file")}");
                return false;
            }
        }
        else
        {
            var configHome = ConfigPaths.XdgDirectory(layers.Input.Environment, "XDG_CONFIG_HOME", layers.Home, ".config");
            if (configHome is null)
            {
                return true;
            }

            path = Path.Join(configHome, ConfigPaths.UserConfigRelativePath);

            // A dangling link (a dotfiles checkout that moved) is not "no config": the user meant to have one.
            if (!Path.Exists(path) && new FileInfo(path).LinkTarget is null)
            {
                return true;
            }
        }

        var configFlag = SettingKeys.FlagName(SettingKeys.Config);
        if (!RealPath.TryResolve(path, out var realPath, out _))
        {
            error = new SettingsError(configFlag, $"{path}: cannot resolve its real path (a symbolic-link loop, or a directory that cannot be read)");
            return false;
        }

        var read = ConfigFileFormat.Read(realPath);
        if (read.State != ConfigFileState.Read)
        {
            error = new SettingsError(configFlag, $"{path} {(read.State == ConfigFileState.Missing ? "does not exist (a broken symbolic link?)" : read.Problem)}");
            return false;
        }

        if (!ConfigFileFormat.TryParseObject(read.Content, out var root, out var problem))
        {
            error = new SettingsError(configFlag, $"{path} {problem}");
            return false;
        }

        config = new UserConfigFile(path, realPath, root);
        foreach (var key in config.Keys)
        {
            if (key == SettingKeys.Config)
            {
                warnings.Add($"{path}: key 'config' ignored; a config file cannot choose the config file (use --config or AGENTEXEC_CONFIG)");
            }
            else if (!SettingKeys.Shared.Contains(key, StringComparer.Ordinal) && !SettingKeys.ConfigOnly.Contains(key, StringComparer.Ordinal))
            {
                warnings.Add($"{path}: unknown key {SettingNames.Quote(key)} ignored");
            }
        }

        return true;
    }

    /// <summary>Resolves the workspace: flag &gt; environment &gt; config &gt; the current directory, which may not be / or $HOME.</summary>
    private static bool TryResolveWorkspace(
        SettingLayers layers,
        UserConfigFile? config,
        [NotNullWhen(true)] out string? workspace,
        [NotNullWhen(false)] out SettingsError? error)
    {
        workspace = null;
        var raw = layers.Find(SettingKeys.Workspace);
        if (raw is null && config is not null)
        {
            raw = layers.FindInConfig(config, SettingKeys.Workspace);
        }

        if (raw is null)
        {
            return TryResolveImplicitWorkspace(layers, out workspace, out error);
        }

        if (!raw.TryReadPath(out var path, out error))
        {
            return false;
        }

        if (!TryResolveDirectory(path, out workspace, out var problem))
        {
            error = raw.Error(problem);
            return false;
        }

        // A file the agent can write must not choose what the agent may write; ignoring the key would silently pick
        // another workspace, so this is refused instead.
        if (raw.Source == SettingSource.ConfigFile && IsInside(config!, workspace))
        {
            error = raw.Error($"{workspace} contains this config file, and a config inside the workspace cannot choose the workspace; pass --workspace instead");
            workspace = null;
            return false;
        }

        return true;
    }

    private static bool TryResolveImplicitWorkspace(
        SettingLayers layers,
        [NotNullWhen(true)] out string? workspace,
        [NotNullWhen(false)] out SettingsError? error)
    {
        var flag = SettingKeys.FlagName(SettingKeys.Workspace);
        var currentDirectory = ConfigPaths.MakeAbsolute(layers.Input.CurrentDirectory, "/");
        if (!TryResolveDirectory(currentDirectory, out workspace, out var problem))
        {
            error = new SettingsError(flag, $"the current directory cannot be the workspace: {problem}");
            return false;
        }

        // Running from / or $HOME is most likely an MCP client that started the server wherever it was; making the whole
        // machine or the whole home directory writable by default would be a surprise (SPEC.md "Command line").
        var isRoot = workspace == "/";
        var isHome = layers.Home is { } home
            && (workspace == home || (RealPath.TryResolve(home, out var realHome, out _) && workspace == realHome));
        if (isRoot || isHome)
        {
            error = new SettingsError(
                flag,
                $"the current directory is {(isRoot ? "/" : $"your home directory ({workspace})")}, which is not used as the workspace by default; "
                + "pass --workspace DIR (or set AGENTEXEC_WORKSPACE) explicitly, or start agentexec from the project's directory");
            workspace = null;
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryResolveDirectory(string path, [NotNullWhen(true)] out string? directory, [NotNullWhen(false)] out string? problem)
    {
        directory = null;
        if (!RealPath.TryResolve(path, out var real, out var exists))
        {
            problem = $"{path}: cannot resolve its real path (a symbolic-link loop, or a directory that cannot be read)";
            return false;
        }

        if (!exists || !Directory.Exists(real))
        {
            problem = $"{path}: {(exists ? "not a directory" : "no such directory")}";
            return false;
        }

        directory = real;
        problem = null;
        return true;
    }

    private static bool TryResolveAuditLog(
        SettingLayers layers,
        string workspace,
        List<string> warnings,
        [NotNullWhen(true)] out string? auditLog,
        [NotNullWhen(false)] out SettingsError? error)
    {
        auditLog = null;
        var flag = SettingKeys.FlagName(SettingKeys.AuditLog);
        string path;
        RawSetting? raw = layers.Find(SettingKeys.AuditLog);
        if (raw is not null)
        {
            if (!raw.TryReadPath(out var named, out error))
            {
                return false;
            }

            path = named;
        }
        else
        {
            var stateHome = ConfigPaths.XdgDirectory(layers.Input.Environment, "XDG_STATE_HOME", layers.Home, Path.Join(".local", "state"));
            if (stateHome is null)
            {
                error = new SettingsError(flag, "no default location: neither XDG_STATE_HOME nor the home directory is known; pass --audit-log FILE");
                return false;
            }

            path = Path.Join(stateHome, ConfigPaths.AuditLogRelativePath);
        }

        string Where() => raw?.Where ?? "";
        if (!RealPath.TryResolve(path, out var real, out var exists))
        {
            error = new SettingsError(flag, $"{Where()}{path}: cannot resolve its real path (a symbolic-link loop, or a directory that cannot be read)");
            return false;
        }

        if (exists && Directory.Exists(real))
        {
            error = new SettingsError(flag, $"{Where()}{path}: is a directory; expected a file");
            return false;
        }

        // Not refused: an explicit --workspace ~ puts the default log inside the workspace, and the sandbox keeps the log
        // read-only. But with Landlock (or danger-full-access) the agent could rewrite it, so the user should know.
        if (RealPath.IsSameOrInside(real, workspace) || RealPath.IsSameOrInside(path, workspace))
        {
            warnings.Add($"the audit log {real} is inside the workspace {workspace}; where the sandbox cannot keep it read-only the agent could rewrite it (check with `agentexec audit verify --expect-head`)");
        }

        auditLog = real;
        error = null;
        return true;
    }

    private static bool IsInside(UserConfigFile config, string workspace) =>
        RealPath.IsSameOrInside(config.RealPath, workspace) || RealPath.IsSameOrInside(config.Path, workspace);

    private static void WarnAboutIgnoredKeys(UserConfigFile config, string workspace, List<string> warnings)
    {
        var ignored = config.Keys
            .Where(key => key != SettingKeys.Rules && key != SettingKeys.Config
                && !(key == SettingKeys.Network && NetworkSetting.IsReadFromWorkspace(config.Root.GetProperty(key)))
                && (SettingKeys.Shared.Contains(key, StringComparer.Ordinal) || SettingKeys.ConfigOnly.Contains(key, StringComparer.Ordinal)))
            .ToList();
        var what = ignored.Count == 0 ? "" : $"; ignoring {string.Join(", ", ignored)}";
        warnings.Add($"the config {config.Path} is inside the workspace {workspace}, which the agent can write, so only its prompt and forbidden rules and network.denied_domains are used{what}");
    }

    private static bool TryCheckRules(
        System.Text.Json.JsonElement root,
        string path,
        RuleOrigin origin,
        string blamedKey,
        [NotNullWhen(false)] out SettingsError? error)
    {
        if (!RuleListParser.TryParse(root, origin, out _, out var problem))
        {
            error = new SettingsError(SettingKeys.FlagName(blamedKey), $"{path}: {problem}");
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Checks the workspace's own rule file at start-up; <see cref="RuleBook"/> reads and reloads its rules.</summary>
    private static bool TryCheckWorkspaceRuleFile(
        string workspace,
        UserConfigFile? config,
        List<string> warnings,
        List<NetworkSetting.WorkspaceValue> workspaceNetwork,
        [NotNullWhen(false)] out SettingsError? error)
    {
        error = null;
        var path = Path.Join(workspace, RuleBook.WorkspaceRuleFileName);
        var flag = SettingKeys.FlagName(SettingKeys.Workspace);
        if (!RealPath.TryResolve(path, out var realPath, out var exists))
        {
            error = new SettingsError(flag, $"{path}: cannot resolve its real path (a symbolic-link loop?)");
            return false;
        }

        if (!exists || (config is not null && realPath == config.RealPath))
        {
            return true;
        }

        var read = ConfigFileFormat.Read(realPath);
        if (read.State == ConfigFileState.Missing)
        {
            return true;
        }

        if (read.State == ConfigFileState.Unreadable)
        {
            error = new SettingsError(flag, $"{path} {read.Problem}");
            return false;
        }

        if (!ConfigFileFormat.TryParseObject(read.Content, out var root, out var problem))
        {
            error = new SettingsError(flag, $"{path} {problem}; fix or remove it");
            return false;
        }

        if (!TryCheckRules(root, path, RuleOrigin.Workspace, SettingKeys.Workspace, out error))
        {
            return false;
        }

        // Its network deny list is read once, at start-up, like every key but the rules.
        if (root.TryGetProperty(SettingKeys.Network, out var network))
        {
            workspaceNetwork.Add(new(path, network, flag));
        }

        var ignored = root.EnumerateObject().Select(property => property.Name)
            .Where(key => key != SettingKeys.Rules && !(key == SettingKeys.Network && NetworkSetting.IsReadFromWorkspace(root.GetProperty(key))))
            .ToList();
        if (ignored.Count > 0)
        {
            warnings.Add($"{path}: only 'rules' and network.denied_domains are read from a workspace's {RuleBook.WorkspaceRuleFileName}, which the agent can write; ignoring {string.Join(", ", ignored.Select(SettingNames.Quote))}");
        }

        return true;
    }
}
