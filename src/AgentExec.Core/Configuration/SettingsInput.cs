namespace AgentExec.Core.Configuration;

/// <summary>Everything the settings are resolved from; a front end builds one at start-up.</summary>
/// <param name="Flags">
/// The flags the user actually gave, by setting key (<see cref="SettingKeys"/>, e.g. <c>approval_policy</c>) to the raw
/// value; boolean flags (<c>--network</c>) are given as <c>"true"</c>.
/// </param>
/// <param name="Environment">The process environment (read for <c>AGENTEXEC_*</c>, <c>XDG_CONFIG_HOME</c> and <c>XDG_STATE_HOME</c>).</param>
/// <param name="CurrentDirectory">The directory agentexec was started in (absolute); relative flag and environment paths are taken from it.</param>
/// <param name="HomeDirectory">The user's home directory (absolute), or empty when unknown.</param>
public sealed record SettingsInput(
    IReadOnlyDictionary<string, string> Flags,
    IReadOnlyDictionary<string, string> Environment,
    string CurrentDirectory,
    string HomeDirectory)
{
    /// <summary>An input for this process: the given flags, the real environment, current and home directories.</summary>
    /// <param name="flags">The flags the user actually gave, by setting key.</param>
    /// <returns>The input.</returns>
    public static SettingsInput FromProcess(IReadOnlyDictionary<string, string> flags)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value)
            {
                environment[name] = value;
            }
        }

        // UserProfile is $HOME on Unix, falling back to the password database when HOME is unset.
        var home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        return new SettingsInput(flags, environment, System.Environment.CurrentDirectory, home);
    }
}
