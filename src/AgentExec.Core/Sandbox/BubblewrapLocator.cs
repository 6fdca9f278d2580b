using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>Finds the <c>bwrap</c> executable on the server's <c>PATH</c>, never one a sandboxed command could have written.</summary>
/// <remarks>
/// A <c>bwrap</c> planted in the workspace (a <c>PATH</c> entry such as <c>./node_modules/.bin</c> or <c>~/bin</c> inside a
/// writable root) would be found at the next start and would run every later command unsandboxed while looking like
/// the sandbox. So relative entries, entries inside the workspace or a writable root, and candidates whose real path
/// lies there are passed over.
/// </remarks>
internal static class BubblewrapLocator
{
    /// <summary>The executable's name.</summary>
    public const string ProgramName = "bwrap";

    /// <summary>The real path of the first acceptable <c>bwrap</c> on <paramref name="searchPath"/>, or null.</summary>
    /// <param name="searchPath">The server's <c>PATH</c> (<see cref="ChildEnvironment.DefaultPath"/> when null or empty).</param>
    /// <param name="writableRoots">Directories a sandboxed command can write (real paths): the workspace and the writable roots.</param>
    /// <returns>The path, or null when there is none.</returns>
    public static string? Find(string? searchPath, IReadOnlyList<string> writableRoots)
    {
        var entries = string.IsNullOrEmpty(searchPath) ? ChildEnvironment.DefaultPath : searchPath;
        foreach (var entry in entries.Split(':'))
        {
            if (!Path.IsPathFullyQualified(entry))
            {
                continue;
            }

            var candidate = Path.Join(entry, ProgramName);
            if (!File.Exists(candidate)
                || !RealPath.TryResolve(entry, out var realEntry, out _)
                || !RealPath.TryResolve(candidate, out var real, out var exists)
                || !exists
                || !IsExecutable(real)
                || writableRoots.Any(root => RealPath.IsSameOrInside(real, root) || RealPath.IsSameOrInside(realEntry, root)))
            {
                continue;
            }

            return real;
        }

        return null;
    }

    private static bool IsExecutable(string path)
    {
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        try
        {
            return !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & anyExecute) != 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
