namespace AgentExec.Core.Sandbox;

/// <summary>One Landlock rule: rights granted beneath a path.</summary>
/// <param name="Path">An absolute path, opened (following links) when the rule is added.</param>
/// <param name="Access">The rights granted (<see cref="LandlockRights"/>).</param>
/// <param name="IsDirectory">True for a directory; false for a file (a device), which is skipped when missing.</param>
/// <param name="IfPresent">True for a directory that is skipped when it cannot be opened (an entry of <c>/</c> that went away).</param>
/// <param name="WithoutLinks">
/// True for a directory made writable (a writable root, the fresh <c>TMPDIR</c>): opened only when no symbolic link stands
/// in its path, since a command may have put one there since the path was resolved (<see cref="LandlockRuleset.AllowDirectoryWithoutLinks"/>).
/// </param>
internal sealed record LandlockGrant(string Path, ulong Access, bool IsDirectory, bool IfPresent = false, bool WithoutLinks = false);
