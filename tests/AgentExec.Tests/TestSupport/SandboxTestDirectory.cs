namespace AgentExec.Tests.TestSupport;

/// <summary>
/// A fresh tree for sandbox tests — <c>workspace/</c>, a sibling <c>outside/</c> and a fake <c>home/</c> — under
/// <c>/var/tmp</c>, deleted on dispose.
/// </summary>
/// <remarks>
/// Not under <c>/tmp</c>: the sandbox replaces <c>/tmp</c> with a private tmpfs, so there a sibling of the workspace
/// would simply not exist inside, and a write to it would fail with "No such file or directory" instead of meeting the
/// read-only filesystem that a real project directory (under <c>$HOME</c>) meets.
/// </remarks>
internal sealed class SandboxTestDirectory : IDisposable
{
    private const string Parent = "/var/tmp";

    public SandboxTestDirectory()
    {
        var parent = Directory.Exists(Parent) ? Parent : Path.GetTempPath();
        Root = Directory.CreateDirectory(Path.Combine(parent, "agentexec-sandbox-tests-" + Guid.NewGuid().ToString("N"))).FullName;
        Workspace = Directory.CreateDirectory(Path.Combine(Root, "workspace")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(Root, "outside")).FullName;
        Home = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
    }

    public string Root { get; }

    /// <summary>The project root, writable under workspace-write.</summary>
    public string Workspace { get; }

    /// <summary>A sibling of the workspace: never writable.</summary>
    public string Outside { get; }

    /// <summary>A fake home directory, so credential tests never touch the real one.</summary>
    public string Home { get; }

    /// <summary>Writes <paramref name="content"/> to <paramref name="relativePath"/> under <see cref="Root"/>, creating folders, and returns the full path.</summary>
    public string WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A leftover under /var/tmp is harmless and says what went wrong.
        }
    }
}
