using System.Runtime.Versioning;

namespace AgentExec.Core.Audit;

/// <summary>Creates a directory and its missing parents, each readable and writable by the owner only (0700).</summary>
/// <remarks>
/// Here, in the lowest room that needs it (the audit log's folder), and shared with the caches above it.
/// <see cref="Directory.CreateDirectory(string, UnixFileMode)"/> applies the mode to the last directory only; the ones
/// above it would get 0755.
/// </remarks>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
internal static class OwnerOnlyDirectory
{
    private const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="directory"/> and whatever above it is missing; an existing one is left as it is.</summary>
    public static void CreateWithParents(string directory)
    {
        var missing = new Stack<string>();
        for (var current = directory; !Directory.Exists(current); current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var next))
        {
            Directory.CreateDirectory(next, Mode);
        }
    }
}
