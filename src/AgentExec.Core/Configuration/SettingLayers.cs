using System.Diagnostics.CodeAnalysis;

namespace AgentExec.Core.Configuration;

/// <summary>The layers a setting is looked up in, highest first: flag, environment, user config.</summary>
/// <param name="Input">The flags, environment and directories.</param>
/// <param name="Home">The normalised home directory, or null when unknown.</param>
/// <param name="Config">The user config whose keys count, or null when there is none or it may only contribute rules.</param>
internal sealed record SettingLayers(SettingsInput Input, string? Home, UserConfigFile? Config)
{
    /// <summary>Finds a key's value in its highest layer; an empty environment variable counts as unset, as shells export them freely.</summary>
    /// <param name="key">The setting key.</param>
    /// <returns>The raw value, or null when no layer sets it.</returns>
    public RawSetting? Find(string key)
    {
        if (Input.Flags.TryGetValue(key, out var flag))
        {
            return new RawSetting(key, SettingSource.Flag, flag, default, null, Input.CurrentDirectory, Home);
        }

        if (Input.Environment.TryGetValue(SettingKeys.EnvironmentVariable(key), out var variable) && variable.Length > 0)
        {
            return new RawSetting(key, SettingSource.Environment, variable, default, null, Input.CurrentDirectory, Home);
        }

        return Config is null ? null : FindInConfig(Config, key);
    }

    /// <summary>Finds a key in a config file, whether or not the file's keys count.</summary>
    /// <param name="config">The file.</param>
    /// <param name="key">The setting key.</param>
    /// <returns>The raw value, or null when the file does not have the key.</returns>
    public RawSetting? FindInConfig(UserConfigFile config, string key) =>
        config.Root.TryGetProperty(key, out var value)
            ? new RawSetting(key, SettingSource.ConfigFile, null, value, config, config.Directory, Home)
            : null;

    /// <summary>Resolves an enumerated setting.</summary>
    /// <typeparam name="T">The enumeration.</typeparam>
    /// <param name="key">The setting key.</param>
    /// <param name="table">The spellings.</param>
    /// <param name="fallback">The default.</param>
    /// <param name="value">The value.</param>
    /// <param name="error">Why the value found is not acceptable.</param>
    /// <returns>Whether the setting resolved.</returns>
    public bool TryEnum<T>(
        string key,
        IReadOnlyList<KeyValuePair<string, T>> table,
        T fallback,
        out T value,
        [NotNullWhen(false)] out SettingsError? error)
        where T : struct, Enum
    {
        if (Find(key) is { } raw)
        {
            return raw.TryReadEnum(table, out value, out error);
        }

        value = fallback;
        error = null;
        return true;
    }

    /// <summary>Resolves a boolean setting.</summary>
    /// <param name="key">The setting key.</param>
    /// <param name="fallback">The default.</param>
    /// <param name="value">The value.</param>
    /// <param name="error">Why the value found is not acceptable.</param>
    /// <returns>Whether the setting resolved.</returns>
    public bool TryBoolean(string key, bool fallback, out bool value, [NotNullWhen(false)] out SettingsError? error)
    {
        if (Find(key) is { } raw)
        {
            return raw.TryReadBoolean(out value, out error);
        }

        value = fallback;
        error = null;
        return true;
    }

    /// <summary>Resolves a duration given in whole milliseconds.</summary>
    /// <param name="key">The setting key.</param>
    /// <param name="minimumMs">The shortest accepted.</param>
    /// <param name="maximumMs">The longest accepted.</param>
    /// <param name="fallback">The default.</param>
    /// <param name="value">The duration.</param>
    /// <param name="error">Why the value found is not acceptable.</param>
    /// <returns>Whether the setting resolved.</returns>
    public bool TryMilliseconds(
        string key,
        long minimumMs,
        long maximumMs,
        TimeSpan fallback,
        out TimeSpan value,
        [NotNullWhen(false)] out SettingsError? error)
    {
        value = fallback;
        if (Find(key) is not { } raw)
        {
            error = null;
            return true;
        }

        if (!raw.TryReadWholeNumber(minimumMs, maximumMs, out var milliseconds, out error))
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }
}
