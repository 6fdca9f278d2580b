using System.Diagnostics.CodeAnalysis;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Settings;

/// <summary>The outcome of <see cref="SettingsResolver.Resolve"/>: the settings, or the error that stops start-up.</summary>
public sealed record SettingsResolution
{
    private SettingsResolution(AgentExecSettings? settings, SettingsError? error)
    {
        Settings = settings;
        Error = error;
    }

    /// <summary>The resolved settings; set exactly when <see cref="Error"/> is not.</summary>
    public AgentExecSettings? Settings { get; }

    /// <summary>Why the settings could not be resolved; set exactly when <see cref="Settings"/> is not.</summary>
    public SettingsError? Error { get; }

    /// <summary>True when the settings were resolved.</summary>
    [MemberNotNullWhen(true, nameof(Settings))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Settings is not null;

    /// <summary>A successful resolution.</summary>
    /// <param name="settings">The resolved settings.</param>
    /// <returns>The resolution.</returns>
    public static SettingsResolution Success(AgentExecSettings settings) =>
        new(settings ?? throw new ArgumentNullException(nameof(settings)), null);

    /// <summary>A failed resolution.</summary>
    /// <param name="error">Why.</param>
    /// <returns>The resolution.</returns>
    public static SettingsResolution Failure(SettingsError error) =>
        new(null, error ?? throw new ArgumentNullException(nameof(error)));
}
