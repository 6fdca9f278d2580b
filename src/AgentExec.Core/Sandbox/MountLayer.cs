namespace AgentExec.Core.Sandbox;

/// <summary>
/// What a bubblewrap mount is for; among mounts at the same depth the later layer is mounted last and wins, so a
/// protection or a hiding always overrides a writable bind of the same path.
/// </summary>
internal enum MountLayer
{
    /// <summary>The read-only root, fresh <c>/dev</c> and <c>/proc</c>, read-only kernel knobs.</summary>
    Base,

    /// <summary>The workspace and the writable roots (read-only binds of the workspace under <c>read-only</c>).</summary>
    Writable,

    /// <summary>Directories between a writable root and a protected path, bound onto themselves so they cannot be renamed.</summary>
    Pinned,

    /// <summary>Paths inside writable roots that stay read-only.</summary>
    ReadOnly,

    /// <summary>Paths replaced by an empty tmpfs or <c>/dev/null</c>: host sockets and credentials.</summary>
    Hidden,
}
