using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AgentExec.Core.Configuration;
using AgentExec.Core.Text;

namespace AgentExec.Core.Settings;

/// <summary>Reads the keys that exist only in the user config: <c>writable_roots</c>, <c>credential_paths</c>, <c>env</c>, <c>limits</c> and <c>telemetry</c>.</summary>
/// <remarks>Errors name <c>--config</c>, the file and the key path, since there is no flag to blame.</remarks>
internal static class ConfigOnlyKeys
{
    private const string KeepKey = "keep";
    private const string SetKey = "set";
    private const string ProcessesKey = "processes";
    private const string MemoryBytesKey = "memory_bytes";
    private const string CpuSecondsKey = "cpu_seconds";
    private const string IncludeCommandKey = "include_command";

    /// <summary>Reads <c>writable_roots</c>: directories made absolute and resolved; one that is missing or not a directory is left out with a warning.</summary>
    /// <remarks>
    /// Leaving a root out only tightens the sandbox, so a stale entry (a removed checkout) should not stop start-up;
    /// a directory created later is not picked up until the next start, like every key but the rules.
    /// </remarks>
    /// <param name="config">The user config.</param>
    /// <param name="home">The home directory, for <c>~</c>; null when unknown.</param>
    /// <param name="defaultConfigDirectories">Where a start without <c>--config</c> looks for the user config (AgentExec's folder under <c>$XDG_CONFIG_HOME</c> and under <c>~/.config</c>).</param>
    /// <param name="warnings">Where to add warnings.</param>
    /// <param name="roots">The roots, without duplicates.</param>
    /// <param name="error">Why the key is invalid.</param>
    /// <returns>Whether the key is valid (or absent).</returns>
    public static bool TryReadWritableRoots(
        UserConfigFile config,
        string? home,
        IReadOnlyList<string> defaultConfigDirectories,
        List<string> warnings,
        out IReadOnlyList<string> roots,
        [NotNullWhen(false)] out SettingsError? error)
    {
        roots = [];
        error = null;
        if (!config.Root.TryGetProperty(SettingKeys.WritableRoots, out var array))
        {
            return true;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            error = Fail(config, SettingKeys.WritableRoots, $"expected an array of directories, got {SettingNames.Describe(array.ValueKind)}");
            return false;
        }

        var found = new List<string>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var keyPath = $"{SettingKeys.WritableRoots}[{index++}]";
            var raw = new RawSetting(keyPath, SettingSource.ConfigFile, null, element, config, config.Directory, home);
            if (!raw.TryReadPath(out var path, out var pathError))
            {
                // RawSetting names a flag; a config-only key has none, so the error is re-addressed to --config.
                error = new SettingsError(SettingKeys.FlagName(SettingKeys.Config), pathError.Message);
                return false;
            }

            if (!RealPath.TryResolve(path, out var real, out var exists))
            {
                error = Fail(config, keyPath, $"cannot resolve {path} (a symbolic-link loop, or a directory that cannot be read)");
                return false;
            }

            if (!exists || !Directory.Exists(real))
            {
                warnings.Add($"{config.Path}, key '{keyPath}': {path} is {(exists ? "not a directory" : "missing")}; it is left out of the writable roots");
                continue;
            }

            if (real != Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)))
            {
                // Followed, a link in the path decides what becomes writable, and the agent can plant one wherever it
                // can write (an attack put "out -> .." in the workspace, and the next start made the home writable).
                warnings.Add($"{config.Path}, key '{keyPath}': a symbolic link stands in {path} (it resolves to {real}); it is left out of the writable roots: write the real path");
                continue;
            }

            // SPEC.md "Who may loosen the policy": the user config is trusted only outside every writable root. A
            // sandbox that cannot hide it (Landlock) would let any sandboxed command, with no question, rewrite it into
            // danger-full-access and allow rules for the next start, and its rules at once. Refused, naming it.
            if (RealPath.IsSameOrInside(config.RealPath, real) || RealPath.IsSameOrInside(config.Path, real))
            {
                error = Fail(config, keyPath, $"{path} contains this config file, which commands could then rewrite to loosen the policy; keep the config outside every writable root");
                return false;
            }

            // The same holds for the config a start without --config reads (AgentExec's folder under $XDG_CONFIG_HOME, or
            // under ~/.config where that variable is not set then): with this config chosen by --config or
            // AGENTEXEC_CONFIG and ~/.config a writable root, a sandboxed command under Landlock wrote
            // ~/.config/agentexec/config.json with no question, and the next plain start ran danger-full-access.
            if (defaultConfigDirectories.FirstOrDefault(directory => RealPath.IsSameOrInsideAsSpeltOrResolved(directory, real)) is { } covered)
            {
                error = Fail(config, keyPath, $"{path} contains {covered}, where AgentExec reads its config when --config is not given, which commands could then write to loosen the policy; keep that folder outside every writable root");
                return false;
            }

            if (!found.Contains(real, StringComparer.Ordinal))
            {
                found.Add(real);
            }
        }

        roots = found.ToArray();
        return true;
    }

    /// <summary>Reads <c>credential_paths</c>: an array of credential entries, each checked as <see cref="Credentials.CredentialEntry"/> reads it.</summary>
    /// <remarks>
    /// Entries are kept as written: a <c>~/</c> entry applies to every home directory the credential list is given (the
    /// server's and the command's), so it is not expanded here. Only the user config may set the key (SPEC.md
    /// "Policy", step 3a); in a workspace config it is ignored with a warning, like every key but the rules.
    /// </remarks>
    /// <param name="config">The user config.</param>
    /// <param name="entries">The entries, without duplicates.</param>
    /// <param name="error">Why the key is invalid.</param>
    /// <returns>Whether the key is valid (or absent).</returns>
    public static bool TryReadCredentialPaths(
        UserConfigFile config,
        out IReadOnlyList<string> entries,
        [NotNullWhen(false)] out SettingsError? error)
    {
        entries = [];
        error = null;
        if (!config.Root.TryGetProperty(SettingKeys.CredentialPaths, out var array))
        {
            return true;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            error = Fail(config, SettingKeys.CredentialPaths, $"expected an array of paths and name patterns, got {SettingNames.Describe(array.ValueKind)}");
            return false;
        }

        var found = new List<string>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var keyPath = $"{SettingKeys.CredentialPaths}[{index++}]";
            if (element.ValueKind != JsonValueKind.String)
            {
                error = Fail(config, keyPath, $"expected a string (an absolute path, a ~/ path or a file name pattern), got {SettingNames.Describe(element.ValueKind)}");
                return false;
            }

            var text = element.GetString()!;
            if (!Credentials.CredentialEntry.TryParse(text, out _, out var problem))
            {
                error = Fail(config, keyPath, text.Length == 0 || text.Contains('\0', StringComparison.Ordinal) ? $"the entry {problem}" : UntrustedText.EscapeLine(problem));
                return false;
            }

            if (!found.Contains(text, StringComparer.Ordinal))
            {
                found.Add(text);
            }
        }

        entries = found.ToArray();
        return true;
    }

    /// <summary>Reads <c>env</c>: <c>{"keep": ["NAME", …], "set": {"NAME": "value", …}}</c>, both optional.</summary>
    /// <param name="config">The user config.</param>
    /// <param name="warnings">Where to add warnings (unknown keys).</param>
    /// <param name="environment">The settings; <see cref="EnvironmentSettings.Default"/> when absent.</param>
    /// <param name="error">Why the key is invalid.</param>
    /// <returns>Whether the key is valid (or absent).</returns>
    public static bool TryReadEnvironment(
        UserConfigFile config,
        List<string> warnings,
        out EnvironmentSettings environment,
        [NotNullWhen(false)] out SettingsError? error)
    {
        environment = EnvironmentSettings.Default;
        error = null;
        if (!config.Root.TryGetProperty(SettingKeys.Env, out var section))
        {
            return true;
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            error = Fail(config, SettingKeys.Env, $"expected an object with \"{KeepKey}\" and \"{SetKey}\", got {SettingNames.Describe(section.ValueKind)}");
            return false;
        }

        WarnAboutUnknownKeys(config, SettingKeys.Env, section, [KeepKey, SetKey], warnings);

        var keep = new List<string>();
        if (section.TryGetProperty(KeepKey, out var keepArray))
        {
            var keyPath = $"{SettingKeys.Env}.{KeepKey}";
            if (keepArray.ValueKind != JsonValueKind.Array)
            {
                error = Fail(config, keyPath, $"expected an array of variable names, got {SettingNames.Describe(keepArray.ValueKind)}");
                return false;
            }

            var index = 0;
            foreach (var element in keepArray.EnumerateArray())
            {
                var name = element.ValueKind == JsonValueKind.String ? element.GetString()! : null;
                if (!IsVariableName(name))
                {
                    error = Fail(config, $"{keyPath}[{index}]", DescribeBadName(element));
                    return false;
                }

                if (!keep.Contains(name, StringComparer.Ordinal))
                {
                    keep.Add(name);
                }

                index++;
            }
        }

        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        if (section.TryGetProperty(SetKey, out var setObject))
        {
            var keyPath = $"{SettingKeys.Env}.{SetKey}";
            if (setObject.ValueKind != JsonValueKind.Object)
            {
                error = Fail(config, keyPath, $"expected an object of NAME: \"value\", got {SettingNames.Describe(setObject.ValueKind)}");
                return false;
            }

            foreach (var property in setObject.EnumerateObject())
            {
                if (!IsVariableName(property.Name))
                {
                    error = Fail(config, keyPath, $"{SettingNames.Quote(property.Name)} is not a variable name (empty, or holds '=' or NUL)");
                    return false;
                }

                if (property.Value.ValueKind != JsonValueKind.String
                    || property.Value.GetString()!.Contains('\0', StringComparison.Ordinal))
                {
                    error = Fail(config, $"{keyPath}.{property.Name}", property.Value.ValueKind == JsonValueKind.String
                        ? "a value cannot contain a NUL character"
                        : $"expected a string, got {SettingNames.Describe(property.Value.ValueKind)}");
                    return false;
                }

                set[property.Name] = property.Value.GetString()!;
            }
        }

        environment = new EnvironmentSettings(keep.ToArray(), set.AsReadOnly());
        return true;
    }

    /// <summary>Reads <c>limits</c>: <c>{"processes": N, "memory_bytes": N, "cpu_seconds": N}</c>, each optional (or null).</summary>
    /// <param name="config">The user config.</param>
    /// <param name="warnings">Where to add warnings (unknown keys).</param>
    /// <param name="limits">The limits; <see cref="ResourceLimits.None"/> when absent.</param>
    /// <param name="error">Why the key is invalid.</param>
    /// <returns>Whether the key is valid (or absent).</returns>
    public static bool TryReadLimits(
        UserConfigFile config,
        List<string> warnings,
        out ResourceLimits limits,
        [NotNullWhen(false)] out SettingsError? error)
    {
        limits = ResourceLimits.None;
        error = null;
        if (!config.Root.TryGetProperty(SettingKeys.Limits, out var section))
        {
            return true;
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            error = Fail(config, SettingKeys.Limits, $"expected an object, got {SettingNames.Describe(section.ValueKind)}");
            return false;
        }

        WarnAboutUnknownKeys(config, SettingKeys.Limits, section, [ProcessesKey, MemoryBytesKey, CpuSecondsKey], warnings);

        if (!TryReadLimit(config, section, ProcessesKey, SettingBounds.MinProcesses, SettingBounds.MaxProcesses, out var processes, out error)
            || !TryReadLimit(config, section, MemoryBytesKey, SettingBounds.MinMemoryBytes, SettingBounds.MaxMemoryBytes, out var memoryBytes, out error)
            || !TryReadLimit(config, section, CpuSecondsKey, SettingBounds.MinCpuSeconds, SettingBounds.MaxCpuSeconds, out var cpuSeconds, out error))
        {
            return false;
        }

        // The bounds above fit in an int for processes and CPU seconds.
        limits = new ResourceLimits((int?)processes, memoryBytes, (int?)cpuSeconds);
        return true;
    }

    /// <summary>Reads <c>assessment_prompt</c>: a template file that replaces the built-in one, checked now.</summary>
    /// <remarks>
    /// A template inside the workspace or a writable root is refused, not warned about (SPEC.md: a file AgentExec trusts
    /// is trusted only outside both): the agent could rewrite it to make every command look harmless to the person
    /// approving it, and the sandbox does not keep arbitrary files there read-only.
    /// The file is parsed at start-up so a broken template stops AgentExec instead of silently sending less.
    /// </remarks>
    /// <param name="config">The user config.</param>
    /// <param name="home">The home directory, for <c>~</c>; null when unknown.</param>
    /// <param name="workspace">The resolved workspace.</param>
    /// <param name="writableRoots">The writable roots, which the agent can write as well.</param>
    /// <param name="path">The template's real path; null when the key is absent.</param>
    /// <param name="error">Why the key is invalid.</param>
    /// <returns>Whether the key is valid (or absent).</returns>
    public static bool TryReadAssessmentPrompt(
        UserConfigFile config,
        string? home,
        string workspace,
        IReadOnlyList<string> writableRoots,
        out string? path,
        [NotNullWhen(false)] out SettingsError? error)
    {
        path = null;
        error = null;
        if (!config.Root.TryGetProperty(SettingKeys.AssessmentPrompt, out var value))
        {
            return true;
        }

        var raw = new RawSetting(SettingKeys.AssessmentPrompt, SettingSource.ConfigFile, null, value, config, config.Directory, home);
        if (!raw.TryReadPath(out var named, out var pathError))
        {
            error = new SettingsError(SettingKeys.FlagName(SettingKeys.Config), pathError.Message);
            return false;
        }

        if (!RealPath.TryResolve(named, out var real, out _))
        {
            error = Fail(config, SettingKeys.AssessmentPrompt, $"cannot resolve {named} (a symbolic-link loop, or a directory that cannot be read)");
            return false;
        }

        if (RealPath.IsSameOrInside(real, workspace) || RealPath.IsSameOrInside(named, workspace))
        {
            error = Fail(config, SettingKeys.AssessmentPrompt, $"{named} is inside the workspace {workspace}, which the agent can write; keep the template outside it");
            return false;
        }

        if (writableRoots.FirstOrDefault(root => RealPath.IsSameOrInside(real, root) || RealPath.IsSameOrInside(named, root)) is { } covering)
        {
            error = Fail(config, SettingKeys.AssessmentPrompt, $"{named} is inside the writable root {covering}, which the agent can write; keep the template outside it");
            return false;
        }

        if (!Assessment.AssessmentPromptTemplate.TryLoad(real, out _, out var problem))
        {
            error = Fail(config, SettingKeys.AssessmentPrompt, $"{named} {problem}");
            return false;
        }

        path = real;
        return true;
    }

    /// <summary>Reads <c>telemetry</c>: <c>{"include_command": true|false}</c>, optional.</summary>
    /// <param name="config">The user config.</param>
    /// <param name="warnings">Where to add warnings (unknown keys).</param>
    /// <param name="telemetry">The settings; <see cref="TelemetrySettings.Default"/> when absent.</param>
    /// <param name="error">Why the key is invalid.</param>
    /// <returns>Whether the key is valid (or absent).</returns>
    public static bool TryReadTelemetry(
        UserConfigFile config,
        List<string> warnings,
        out TelemetrySettings telemetry,
        [NotNullWhen(false)] out SettingsError? error)
    {
        telemetry = TelemetrySettings.Default;
        error = null;
        if (!config.Root.TryGetProperty(SettingKeys.Telemetry, out var section))
        {
            return true;
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            error = Fail(config, SettingKeys.Telemetry, $"expected an object, got {SettingNames.Describe(section.ValueKind)}");
            return false;
        }

        WarnAboutUnknownKeys(config, SettingKeys.Telemetry, section, [IncludeCommandKey], warnings);
        if (!section.TryGetProperty(IncludeCommandKey, out var element))
        {
            return true;
        }

        var raw = new RawSetting($"{SettingKeys.Telemetry}.{IncludeCommandKey}", SettingSource.ConfigFile, null, element, config, config.Directory, null);
        if (!raw.TryReadBoolean(out var includeCommand, out var booleanError))
        {
            error = new SettingsError(SettingKeys.FlagName(SettingKeys.Config), booleanError.Message);
            return false;
        }

        telemetry = new TelemetrySettings(includeCommand);
        return true;
    }

    private static bool TryReadLimit(
        UserConfigFile config,
        JsonElement section,
        string key,
        long minimum,
        long maximum,
        out long? value,
        [NotNullWhen(false)] out SettingsError? error)
    {
        value = null;
        error = null;
        if (!section.TryGetProperty(key, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        var raw = new RawSetting($"{SettingKeys.Limits}.{key}", SettingSource.ConfigFile, null, element, config, config.Directory, null);
        if (!raw.TryReadWholeNumber(minimum, maximum, out var number, out var numberError))
        {
            error = new SettingsError(SettingKeys.FlagName(SettingKeys.Config), numberError.Message);
            return false;
        }

        value = number;
        return true;
    }

    private static void WarnAboutUnknownKeys(
        UserConfigFile config,
        string sectionKey,
        JsonElement section,
        string[] known,
        List<string> warnings)
    {
        foreach (var property in section.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                warnings.Add($"{config.Path}, key '{sectionKey}': unknown key {SettingNames.Quote(property.Name)} ignored; expected {string.Join(", ", known)}");
            }
        }
    }

    private static bool IsVariableName([NotNullWhen(true)] string? name) =>
        name is { Length: > 0 } && !name.Contains('=', StringComparison.Ordinal) && !name.Contains('\0', StringComparison.Ordinal);

    private static string DescribeBadName(JsonElement element) => element.ValueKind == JsonValueKind.String
        ? $"{SettingNames.Quote(element.GetString()!)} is not a variable name (empty, or holds '=' or NUL)"
        : $"expected a variable name, got {SettingNames.Describe(element.ValueKind)}";

    // True when root is directory or one of its parents, by the path as written and by its real path (the folder may
    // not exist yet: a command could create it).
    private static SettingsError Fail(UserConfigFile config, string keyPath, string problem) =>
        new(SettingKeys.FlagName(SettingKeys.Config), config.Locate(keyPath) + problem);
}
