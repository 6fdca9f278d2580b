namespace AgentExec.Core.Configuration;

/// <summary>What reading a config or rule file found.</summary>
internal enum ConfigFileState
{
    /// <summary>No file at the path (or a missing directory on the way).</summary>
    Missing,

    /// <summary>Something is there but could not be read: permissions, a directory, too large, an I/O error.</summary>
    Unreadable,

    /// <summary>The file's bytes were read.</summary>
    Read,
}
