using AgentExec.Core.Configuration;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The one answer to "could a sandboxed command write here?" for a file AgentExec or git trusts later, outside any
/// sandbox (the agentexec binary, the user config folder, the global git configuration): the workspace and the writable
/// roots, whichever way the file is reached.
/// </summary>
/// <remarks>
/// The workspace counts even for a <c>read-only</c> start: the mode is a per-start setting, and the next start in the
/// same workspace may be <c>workspace-write</c>. A path counts when it lies inside a root as spelt or once its links are
/// resolved (<see cref="RealPath.IsSameOrInsideAsSpeltOrResolved"/>): a link from the home into a dotfiles workspace is
/// written through its target.
/// </remarks>
internal static class CommandWritablePlaces
{
    /// <summary>The workspace and the writable roots that hold <paramref name="path"/>, the workspace first.</summary>
    /// <param name="settings">The workspace and the writable roots.</param>
    /// <param name="path">An absolute path.</param>
    /// <returns>The first root holding it, or null when no command can write it.</returns>
    public static string? RootHolding(AgentExecSettings settings, string path) =>
        ((IEnumerable<string>)[settings.Workspace, .. settings.WritableRoots]).FirstOrDefault(root => RealPath.IsSameOrInsideAsSpeltOrResolved(path, root));
}
