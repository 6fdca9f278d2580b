namespace AgentExec.Core.Sandbox;

/// <summary>One mount of a bubblewrap command line: its destination, its layer and the arguments that make it.</summary>
/// <param name="Destination">The real path mounted over.</param>
/// <param name="Layer">What the mount is for; decides the order among mounts at the same depth.</param>
/// <param name="Arguments">The bubblewrap arguments, e.g. <c>--ro-bind SRC DEST</c>.</param>
internal sealed record BubblewrapMount(string Destination, MountLayer Layer, IReadOnlyList<string> Arguments)
{
    /// <summary>How many components the destination has (<c>/</c> is 0); shallower mounts go first.</summary>
    public int Depth => Destination.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
}
