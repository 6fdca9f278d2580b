namespace AgentExec.Core.Execution;

/// <summary>Finds the file a command's <c>argv[0]</c> names, the way <c>execvp</c> in the child would.</summary>
/// <remarks>
/// .NET resolves a bare program name against the <em>parent's</em> <c>PATH</c> and a relative path against the
/// parent's current directory; a command must instead be found with its own environment and working directory, so the
/// runner resolves it here and hands the runtime an absolute path.
/// </remarks>
internal static class ProgramLocator
{
    /// <summary>
    /// The absolute path to run for <paramref name="program"/>, or null when a bare name is on no directory of
    /// <paramref name="searchPath"/> (<see cref="ChildEnvironment.DefaultPath"/> when null).
    /// </summary>
    /// <remarks>A name containing <c>/</c> is not searched: it is taken relative to <paramref name="workingDirectory"/>, and whether it exists is for the start to find out.</remarks>
    public static string? Resolve(string program, string? searchPath, string workingDirectory)
    {
        if (program.Length == 0)
        {
            return null;
        }

        if (program.Contains('/'))
        {
            return Path.GetFullPath(program, workingDirectory);
        }

        foreach (var entry in (searchPath ?? ChildEnvironment.DefaultPath).Split(':'))
        {
            // POSIX: an empty entry means the current directory.
            var directory = entry.Length == 0 ? workingDirectory : Path.GetFullPath(entry, workingDirectory);
            var candidate = Path.Combine(directory, program);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        try
        {
            return (File.GetUnixFileMode(path) & anyExecute) != 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
