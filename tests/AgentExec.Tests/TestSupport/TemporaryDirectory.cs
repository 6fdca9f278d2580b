namespace AgentExec.Tests.TestSupport;

/// <summary>A fresh directory under the system temporary directory, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = Directory.CreateTempSubdirectory("agentexec-tests-").FullName;
    }

    public string Path { get; }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process the test could not kill may still hold a file; the OS cleans the temporary directory later.
        }
    }
}
