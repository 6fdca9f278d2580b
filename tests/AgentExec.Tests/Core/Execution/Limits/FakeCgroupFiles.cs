using AgentExec.Core.Execution.Limits;

namespace AgentExec.Tests.Core.Execution.Limits;

/// <summary>
/// A cgroupfs imitated in a temporary directory, for the logic the kernel cannot be used for here (no delegated
/// cgroup v2 on most machines): a new cgroup gets the control files the kernel would give it, per the parent's
/// <c>cgroup.subtree_control</c>; a control file that does not exist cannot be written; removal takes the files along.
/// </summary>
internal sealed class FakeCgroupFiles : ICgroupFiles
{
    /// <summary>Makes the write to <c>cgroup.subtree_control</c> fail as the kernel does when other processes share the cgroup.</summary>
    public bool SubtreeControlBusy { get; init; }

    /// <summary>Paths of cgroups that could not be created (a write-protected subtree).</summary>
    public bool RefuseCreate { get; init; }

    /// <summary>Every write, in order, as "path=value".</summary>
    public List<string> Writes { get; } = [];

    /// <summary>Makes <paramref name="directory"/> a cgroup with <paramref name="controllers"/> available.</summary>
    public static void MakeCgroup(string directory, string controllers, string subtreeControl = "")
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "cgroup.controllers"), controllers + "\n");
        File.WriteAllText(Path.Combine(directory, "cgroup.subtree_control"), subtreeControl + "\n");
        File.WriteAllText(Path.Combine(directory, "cgroup.procs"), "");
    }

    public bool Exists(string path) => Path.Exists(path);

    public string Read(string path) => File.ReadAllText(path);

    public void Write(string path, string value)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("No such file or directory", path);
        }

        if (Path.GetFileName(path) == "cgroup.subtree_control")
        {
            if (SubtreeControlBusy)
            {
                throw new IOException("Device or resource busy");
            }

            var enabled = File.ReadAllText(path).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            foreach (var word in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (word[0] == '+')
                {
                    enabled.Add(word[1..]);
                }
            }

            File.WriteAllText(path, string.Join(' ', enabled.Order()) + "\n");
        }
        else
        {
            File.WriteAllText(path, value);
        }

        Writes.Add($"{path}={value}");
    }

    public void CreateDirectory(string path)
    {
        if (RefuseCreate)
        {
            throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
        }

        Directory.CreateDirectory(path);
        var enabled = File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, "cgroup.subtree_control"));
        MakeCgroup(path, enabled.Trim());
        File.WriteAllText(Path.Combine(path, "cgroup.kill"), "");
        File.WriteAllText(Path.Combine(path, "cgroup.events"), "populated 0\nfrozen 0\n");
        File.WriteAllText(Path.Combine(path, "cpu.stat"), "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
        if (enabled.Contains("pids", StringComparison.Ordinal))
        {
            File.WriteAllText(Path.Combine(path, "pids.max"), "max\n");
            File.WriteAllText(Path.Combine(path, "pids.events"), "max 0\n");
        }

        if (enabled.Contains("memory", StringComparison.Ordinal))
        {
            File.WriteAllText(Path.Combine(path, "memory.max"), "max\n");
            File.WriteAllText(Path.Combine(path, "memory.swap.max"), "max\n");
            File.WriteAllText(Path.Combine(path, "memory.oom.group"), "0\n");
            File.WriteAllText(Path.Combine(path, "memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        }
    }

    public void RemoveDirectory(string path) => Directory.Delete(path, recursive: true);
}
