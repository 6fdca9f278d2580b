namespace AgentExec.Core.Configuration;

/// <summary>What a workspace placeholder (<c>Sandbox.WorkspacePlaceholders</c>) looks like on disk, so readers below the sandbox can tell one from a real file.</summary>
/// <remarks>
/// The check lives here, not beside the placeholders, because the config reader (<see cref="ConfigFileFormat"/>) reads
/// a placeholder as "absent" and Configuration sits below Sandbox (README.md).
/// </remarks>
internal static class PlaceholderEntry
{
    /// <summary>True when <paramref name="path"/> is a placeholder: an empty directory or file with mode <c>000</c>, not a symbolic link.</summary>
    /// <remarks>AgentExec's own readers of these names use this to read a placeholder as "absent".</remarks>
    public static bool IsPlaceholder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null || info.UnixFileMode != UnixFileMode.None)
            {
                return false;
            }

            if (info is FileInfo file)
            {
                return file.Length == 0;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        try
        {
            return !Directory.EnumerateFileSystemEntries(path).Any();
        }
        catch (UnauthorizedAccessException)
        {
            // Mode 000 keeps its owner out too unless it is root. Removal is rmdir, which the kernel refuses for a
            // directory that is not empty, so reading "cannot list" as "empty" can remove nothing but an empty one.
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
