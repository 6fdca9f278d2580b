namespace AgentExec.Core.Commands;

/// <summary>How git reads the files that say where a repository lives: <c>.git</c> files and <c>commondir</c>.</summary>
internal static class GitConfigDirectories
{
    // These files hold one path; anything longer is not one git wrote.
    private const int MaximumPointerBytes = 64 * 1024;

    /// <summary>
    /// The git directory a <c>.git</c> entry stands for: the entry itself when it is a directory, the directory its
    /// <c>gitdir:</c> line names when it is a file, or null when there is no such entry.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a gitfile git would accept.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static string? Locate(string dotGit) =>
        Directory.Exists(dotGit) ? dotGit : File.Exists(dotGit) ? ReadGitFile(dotGit) : null;

    /// <summary>The directory a <c>.git</c> file's <c>gitdir: PATH</c> line names, relative to the file's directory.</summary>
    /// <exception cref="InvalidDataException">The file is not a gitfile git would accept.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static string ReadGitFile(string gitFile)
    {
        var text = ReadPointerIfExists(gitFile) ?? throw new FileNotFoundException($"{gitFile} disappeared", gitFile);
        if (!text.StartsWith("gitdir: ", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{gitFile} is not a gitfile (no \"gitdir: \" line)");
        }

        // git strips the line end only (\n and \r): a trailing space is part of the directory's name.
        var target = text["gitdir: ".Length..].TrimEnd('\n', '\r');
        if (target.Length == 0)
        {
            throw new InvalidDataException($"{gitFile} names no directory");
        }

        // Joined, not normalised: the caller resolves it as the kernel will (GitConfigPaths.Resolve).
        return Path.IsPathRooted(target) ? target : Path.Join(Path.GetDirectoryName(gitFile), target);
    }

    /// <summary>The repository's common directory: what its <c>commondir</c> file names (linked worktrees), else itself.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static string CommonDirectory(string gitDirectory)
    {
        var text = ReadPointerIfExists(Path.Join(gitDirectory, "commondir"));
        if (text is null)
        {
            return gitDirectory;
        }

        var target = text.TrimEnd('\n', '\r');
        return target.Length == 0
            ? gitDirectory
            : Path.IsPathRooted(target) ? target : Path.Join(gitDirectory, target);
    }

    private static string? ReadPointerIfExists(string path)
    {
        return GitConfigFileBytes.ReadIfExists(path, MaximumPointerBytes) is { } bytes ? GitConfigFileBytes.DecodeStrictly(bytes, path) : null;
    }
}
