namespace AgentExec.Core.Configuration;

/// <summary>Why the settings could not be resolved, naming the flag the user should look at.</summary>
/// <param name="Option">
/// The flag the bad value belongs to (<c>--approval-policy</c>), whichever layer it came from; <c>--config</c> for a
/// user config that cannot be read or parsed and for its config-only keys.
/// </param>
/// <param name="Message">What is wrong and what is expected; names the environment variable or file when the value came from one.</param>
public sealed record SettingsError(string Option, string Message)
{
    /// <summary>The error as one line for the terminal: <c>--approval-policy: unknown value 'sometimes'; expected …</c>.</summary>
    /// <returns>The option, a colon and the message.</returns>
    public override string ToString() => $"{Option}: {Message}";
}
