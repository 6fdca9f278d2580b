using AgentExec.Core.Commands;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The paths inside a writable workspace that stay read-only (SPEC.md "Sandbox"): <c>.git</c> with the git directory
/// a <c>.git</c> file points to and that directory's common directory, and <c>agentexec.json</c>; the same for every
/// nested <c>.git</c> the workspace scan finds (<see cref="GitEntry"/>).
/// </summary>
/// <remarks>
/// A <c>.git</c> file (a worktree or a submodule) names its git directory in a line <c>gitdir: PATH</c>; a worktree's
/// git directory in turn names, in its <c>commondir</c> file, the repository's main git directory, which holds
/// <c>hooks/</c> and <c>config</c>. Protecting only the first would leave the hooks writable when the main repository
/// lies inside a writable root too. These files are written by whoever controls the workspace, so what they name can
/// only ever be made <em>more</em> read-only here, never writable.
/// </remarks>
internal static class WorkspaceProtectedPaths
{
    /// <summary>The name of the workspace config, kept read-only.</summary>
    public const string WorkspaceConfigName = "agentexec.json";

    /// <summary>The name of the workspace's secrets file, hidden.</summary>
    public const string EnvironmentFileName = ".env";

    private const string GitName = ".git";

    /// <summary>
    /// The names in the workspace that a command must not be able to create (SPEC.md "Sandbox"), with the kind of
    /// placeholder that stands in for each while it is missing (<see cref="WorkspacePlaceholders"/>): a directory for
    /// <c>.git</c>, so that git passes over it; an empty file for the others.
    /// </summary>
    public static IReadOnlyList<ProtectedName> MustExist { get; } =
    [
        new(GitName, IsDirectory: true),
        new(EnvironmentFileName, IsDirectory: false),
        new(WorkspaceConfigName, IsDirectory: false),
    ];

    private const string GitDirPrefix = "gitdir:";
    private const int LongestPointerFile = 4096;

    /// <summary>The workspace's own <c>.git</c> entry (kept read-only with <see cref="GitEntry"/>).</summary>
    public static string DotGit(string workspace) => Path.Join(workspace, GitName);

    /// <summary>The paths under <paramref name="workspace"/> to keep read-only besides its repository (<see cref="DotGit"/>), as written.</summary>
    public static IReadOnlyList<string> ReadOnly(string workspace) =>
        [Path.Join(workspace, WorkspaceConfigName), Path.Join(workspace, EnvironmentFileName)];

    /// <summary>
    /// A <c>.git</c> entry anywhere (the workspace's own or a nested repository's) with, when it is a gitfile, the git
    /// directory it names and that directory's common directory: everything git reads config and hooks from; and
    /// <paramref name="configuredPaths"/> (<see cref="RepositorySnapshot.ConfiguredPaths"/>), read once by the caller.
    /// </summary>
    public static IReadOnlyList<string> GitEntry(string dotGit, IReadOnlyList<string> configuredPaths)
    {
        var paths = new List<string> { dotGit };
        if (File.Exists(dotGit) && ReadPointer(dotGit, GitDirPrefix) is { } gitDirectory)
        {
            var resolved = Path.GetFullPath(gitDirectory, Path.GetDirectoryName(dotGit) ?? "/");
            paths.Add(resolved);
            if (ReadPointer(Path.Join(resolved, "commondir"), prefix: null) is { } commonDirectory)
            {
                paths.Add(Path.GetFullPath(commonDirectory, resolved));
            }
        }

        // What its configuration makes git read or run from elsewhere: included files, a core.hooksPath.
        paths.AddRange(configuredPaths);
        return paths;
    }

    /// <summary>The first line of a small pointer file, after <paramref name="prefix"/> when given; null when it cannot be read or does not match.</summary>
    private static string? ReadPointer(string path, string? prefix)
    {
        string firstLine;
        try
        {
            // Regular files only, opened without blocking (GitConfigFileBytes): a FIFO planted as sub/.git blocked a
            // StreamReader's open for good, and with it every later sandboxed call in the workspace (found by an attack).
            if (GitConfigFileBytes.ReadIfExists(path, LongestPointerFile) is not { } bytes)
            {
                return null;
            }

            var text = GitConfigFileBytes.DecodeStrictly(bytes, path);
            firstLine = text.Split('\n')[0].TrimEnd('\r');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }

        if (prefix is not null)
        {
            if (!firstLine.StartsWith(prefix, StringComparison.Ordinal))
            {
                return null;
            }

            firstLine = firstLine[prefix.Length..];
        }

        // A NUL would make the path APIs throw; such a file points nowhere real.
        var value = firstLine.Trim();
        return value.Length == 0 || value.Contains('\0', StringComparison.Ordinal) ? null : value;
    }
}

/// <summary>A protected name in the workspace and whether its placeholder is a directory.</summary>
/// <param name="Name">The entry's name in the workspace.</param>
/// <param name="IsDirectory">True for <c>.git</c>: its placeholder is an empty directory.</param>
internal readonly record struct ProtectedName(string Name, bool IsDirectory);
