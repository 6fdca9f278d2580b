namespace AgentExec.Core.Configuration;

/// <summary>The layer a setting's value came from, highest precedence first.</summary>
internal enum SettingSource
{
    /// <summary>A command-line flag.</summary>
    Flag,

    /// <summary>An <c>AGENTEXEC_*</c> environment variable.</summary>
    Environment,

    /// <summary>A key of the user config file.</summary>
    ConfigFile,
}
