namespace AgentExec.Core.Configuration;

/// <summary>The result of reading a config or rule file once.</summary>
/// <param name="State">What was found.</param>
/// <param name="Content">The bytes, when <see cref="ConfigFileState.Read"/>; otherwise empty.</param>
/// <param name="Problem">Why it could not be read, when <see cref="ConfigFileState.Unreadable"/>; otherwise empty.</param>
internal sealed record ConfigFileRead(ConfigFileState State, byte[] Content, string Problem)
{
    /// <summary>The file is not there.</summary>
    public static ConfigFileRead Missing { get; } = new(ConfigFileState.Missing, [], "");

    /// <summary>The file is there but could not be read.</summary>
    /// <param name="problem">Why, as a phrase that follows the file's name.</param>
    /// <returns>The result.</returns>
    public static ConfigFileRead Unreadable(string problem) => new(ConfigFileState.Unreadable, [], problem);
}
