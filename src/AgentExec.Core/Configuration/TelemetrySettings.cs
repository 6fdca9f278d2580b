namespace AgentExec.Core.Configuration;

/// <summary>The user config's optional <c>telemetry</c> key: what the OpenTelemetry spans may carry beyond decisions.</summary>
/// <param name="IncludeCommand">Put the command line and its working directory on each call's span (off by default).</param>
/// <remarks>
/// Off by default because a command line can hold secrets (a token passed as an argument) and spans usually leave the
/// machine for a collector; only the user config may turn it on, never a workspace config the agent can write.
/// </remarks>
public sealed record TelemetrySettings(bool IncludeCommand)
{
    /// <summary>Decisions only: no command text, output, prompts or secrets.</summary>
    public static TelemetrySettings Default { get; } = new(IncludeCommand: false);
}
