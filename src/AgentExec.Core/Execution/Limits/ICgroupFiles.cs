namespace AgentExec.Core.Execution.Limits;

/// <summary>The few file operations the cgroup v2 code needs, so its logic can be tested against a fake cgroupfs directory.</summary>
internal interface ICgroupFiles
{
    /// <summary>Whether the file or directory exists.</summary>
    bool Exists(string path);

    /// <summary>The whole text of a control file.</summary>
    string Read(string path);

    /// <summary>Writes <paramref name="value"/> to an existing control file in one <c>write(2)</c>.</summary>
    void Write(string path, string value);

    /// <summary>Creates a cgroup (a directory); the kernel fills it with its control files.</summary>
    void CreateDirectory(string path);

    /// <summary>Removes an empty cgroup (<c>rmdir(2)</c>).</summary>
    void RemoveDirectory(string path);
}

/// <summary>The real cgroupfs.</summary>
internal sealed class KernelCgroupFiles : ICgroupFiles
{
    /// <summary>The one instance.</summary>
    public static KernelCgroupFiles Instance { get; } = new();

    /// <inheritdoc />
    public bool Exists(string path) => Path.Exists(path);

    /// <inheritdoc />
    public string Read(string path) => File.ReadAllText(path);

    /// <inheritdoc />
    public void Write(string path, string value)
    {
        // FileMode.Open: a control file that does not exist means the controller is missing, never a file to create.
        // No buffering: the kernel parses each write(2) on its own, so the value must arrive in one.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(value));
    }

    /// <inheritdoc />
    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    /// <inheritdoc />
    public void RemoveDirectory(string path) => Directory.Delete(path, recursive: false);
}
