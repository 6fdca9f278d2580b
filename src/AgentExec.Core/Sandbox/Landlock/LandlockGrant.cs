namespace AgentExec.Core.Sandbox;

/// <summary>One Landlock rule: rights granted beneath a path.</summary>
/// <param name="Path">An absolute path, opened (following links) when the rule is added.</param>
/// <param name="Access">The rights granted (<see cref="LandlockRights"/>).</param>
/// <param name="IsDirectory">True for a directory that must exist; false for a device file that is skipped when missing.</param>
internal sealed record LandlockGrant(string Path, ulong Access, bool IsDirectory);
