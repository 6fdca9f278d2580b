using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace AgentExec.Core.Configuration;

/// <summary>One setting's value as found in its highest layer, before it is parsed.</summary>
/// <param name="Key">The setting key.</param>
/// <param name="Source">The layer it came from.</param>
/// <param name="Text">The raw text, for a flag or an environment variable.</param>
/// <param name="Json">The JSON value, for a config key.</param>
/// <param name="Config">The config file, for a config key.</param>
/// <param name="BaseDirectory">Where a relative path is taken from: the current directory, or the config file's directory.</param>
/// <param name="Home">The home directory, to expand a leading <c>~</c> in a config path; null when unknown.</param>
internal sealed record RawSetting(
    string Key,
    SettingSource Source,
    string? Text,
    JsonElement Json,
    UserConfigFile? Config,
    string BaseDirectory,
    string? Home)
{
    /// <summary>Where the value came from, as a message prefix: empty for a flag, the variable or the file and key otherwise.</summary>
    public string Where => Source switch
    {
        SettingSource.Environment => SettingKeys.EnvironmentVariable(Key) + ": ",
        SettingSource.ConfigFile => Config!.Locate(Key),
        _ => "",
    };

    /// <summary>An error about this value, naming its flag and where it came from.</summary>
    /// <param name="problem">What is wrong.</param>
    /// <returns>The error.</returns>
    public SettingsError Error(string problem) => new(SettingKeys.FlagName(Key), Where + problem);

    /// <summary>Reads the value as a non-empty string (a JSON string in the config).</summary>
    /// <param name="text">The string.</param>
    /// <param name="error">Why not.</param>
    /// <returns>Whether it is one.</returns>
    public bool TryReadString([NotNullWhen(true)] out string? text, [NotNullWhen(false)] out SettingsError? error)
    {
        if (Source == SettingSource.ConfigFile && Json.ValueKind != JsonValueKind.String)
        {
            text = null;
            error = Error($"expected a string, got {SettingNames.Describe(Json.ValueKind)}");
            return false;
        }

        text = Source == SettingSource.ConfigFile ? Json.GetString()! : Text!;
        if (text.Length == 0)
        {
            error = Error("empty value");
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Reads the value as one of the spellings of a table.</summary>
    /// <typeparam name="T">The enumeration.</typeparam>
    /// <param name="table">The spellings.</param>
    /// <param name="value">The value.</param>
    /// <param name="error">Why not.</param>
    /// <returns>Whether it is one.</returns>
    public bool TryReadEnum<T>(IReadOnlyList<KeyValuePair<string, T>> table, out T value, [NotNullWhen(false)] out SettingsError? error)
        where T : struct, Enum
    {
        value = default;
        if (!TryReadString(out var text, out error))
        {
            return false;
        }

        if (!SettingNames.TryLookUp(table, text, out value))
        {
            error = Error($"unknown value {SettingNames.Quote(text)}; expected {SettingNames.Expected(table)}");
            return false;
        }

        return true;
    }

    /// <summary>Reads the value as a boolean: <c>true</c>/<c>false</c>/<c>1</c>/<c>0</c> as text, a JSON boolean in the config.</summary>
    /// <param name="value">The boolean.</param>
    /// <param name="error">Why not.</param>
    /// <returns>Whether it is one.</returns>
    public bool TryReadBoolean(out bool value, [NotNullWhen(false)] out SettingsError? error)
    {
        value = false;
        error = null;
        if (Source == SettingSource.ConfigFile)
        {
            if (Json.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                value = Json.ValueKind == JsonValueKind.True;
                return true;
            }

            error = Error($"expected true or false, got {SettingNames.Describe(Json.ValueKind)}");
            return false;
        }

        switch (Text!.ToLowerInvariant())
        {
            case "true" or "1":
                value = true;
                return true;
            case "false" or "0":
                return true;
            default:
                error = Error($"unknown value {SettingNames.Quote(Text)}; expected true, false, 1 or 0");
                return false;
        }
    }

    /// <summary>Reads the value as a whole number within bounds (digits as text, a JSON integer in the config).</summary>
    /// <param name="minimum">The smallest accepted value.</param>
    /// <param name="maximum">The largest accepted value.</param>
    /// <param name="value">The number.</param>
    /// <param name="error">Why not.</param>
    /// <returns>Whether it is one, within bounds.</returns>
    public bool TryReadWholeNumber(long minimum, long maximum, out long value, [NotNullWhen(false)] out SettingsError? error)
    {
        value = 0;
        var parsed = Source == SettingSource.ConfigFile
            ? Json.ValueKind == JsonValueKind.Number && Json.TryGetInt64(out value)
            : long.TryParse(Text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!parsed)
        {
            var got = Source == SettingSource.ConfigFile ? SettingNames.Describe(Json.ValueKind) : SettingNames.Quote(Text!);
            if (Source == SettingSource.ConfigFile && Json.ValueKind == JsonValueKind.Number)
            {
                got = Json.GetRawText();
            }

            error = Error($"expected a whole number from {minimum} to {maximum}, got {got}");
            return false;
        }

        if (value < minimum || value > maximum)
        {
            error = Error($"{value} is out of range; expected {minimum} to {maximum}");
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Reads the value as a path and makes it absolute (links are not resolved here).</summary>
    /// <param name="path">The absolute, normalised path.</param>
    /// <param name="error">Why not.</param>
    /// <returns>Whether it is a usable path.</returns>
    public bool TryReadPath([NotNullWhen(true)] out string? path, [NotNullWhen(false)] out SettingsError? error)
    {
        path = null;
        if (!TryReadString(out var text, out error))
        {
            return false;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            error = Error("a path cannot contain a NUL character");
            return false;
        }

        // The shell expands `~` in flags and variable assignments; nobody expands it in a JSON file, so we do.
        if (Source == SettingSource.ConfigFile && (text == "~" || text.StartsWith("~/", StringComparison.Ordinal)))
        {
            if (Home is null)
            {
                error = Error("cannot expand '~': the home directory is unknown");
                return false;
            }

            text = Home + text[1..];
        }

        path = ConfigPaths.MakeAbsolute(text, BaseDirectory);
        return true;
    }
}
