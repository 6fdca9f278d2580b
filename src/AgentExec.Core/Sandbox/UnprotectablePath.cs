namespace AgentExec.Core.Sandbox;

/// <summary>A path to keep read-only that a sandboxed command could redirect, so that no command may run (<see cref="ProtectedPathLookup"/>, <see cref="BubblewrapMountPlan.Refusals"/>).</summary>
/// <param name="Spelling">The path as git or AgentExec will open it (a <c>core.hooksPath</c>, an included config, a gitdir).</param>
/// <param name="Entry">The entry on the way that a command could replace, or that could not be read.</param>
/// <param name="IsLink">True when <paramref name="Entry"/> is a symbolic link; false when it could not be read.</param>
internal sealed record UnprotectablePath(string Spelling, string Entry, bool IsLink)
{
    /// <summary>Why the command cannot run, and the fix, for the refusal.</summary>
    public string Reason => IsLink
        ? $"{Spelling} must stay read-only, but {(Spelling == Entry ? "it is" : $"the way to it passes")} the symbolic link {Entry} in a writable directory, which a sandboxed command could replace with a directory of its own; replace the link with the real directory or file to run commands in the workspace-write sandbox"
        : $"{Spelling} must stay read-only, but the way to it cannot be followed at {Entry} (an entry that cannot be read, or a '..' after a directory that does not exist), so where it leads is unknown; make that entry readable or write the path without '..' to run commands in the workspace-write sandbox";
}
