using System.Globalization;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Execution.Limits;

/// <summary>
/// A cgroup v2 subtree delegated to AgentExec, ready for one child cgroup per command (SPEC.md "Sandbox", "Optional
/// limits"), or why there is none.
/// </summary>
/// <remarks>
/// <para>
/// Found at start-up from the server's own cgroup (the <c>0::/PATH</c> line of <c>/proc/self/cgroup</c>) under the
/// <c>cgroup2</c> mount of <c>/proc/self/mountinfo</c>. Usable when that cgroup offers the <c>pids</c> and
/// <c>memory</c> controllers (<c>cgroup.controllers</c>) and AgentExec may write there. CPU seconds need no controller:
/// every cgroup has <c>cpu.stat</c>'s <c>usage_usec</c>.
/// </para>
/// <para>
/// The no-internal-processes rule: a cgroup that hands controllers to its children may not hold processes itself. So
/// the server moves itself into a leaf child, <c>agentexec-server</c>, and then enables <c>+pids +memory</c> in its
/// cgroup's <c>cgroup.subtree_control</c>; commands get siblings of that leaf. This works when the cgroup holds only
/// AgentExec (systemd <c>Delegate=yes</c>, <c>systemd-run --user -p Delegate=yes</c>, a container given its own
/// cgroup). When other processes share it, the kernel refuses (<c>EBUSY</c>); the server moves back and limits fall
/// back to <c>rlimit</c>, with the reason stated. Nothing here runs unless <c>limits</c> is configured.
/// </para>
/// <para>
/// A probe child with the configured limits is created and removed at the end, so a subtree where a command's cgroup
/// could not be made (no write access, no <c>cgroup.kill</c> before Linux 5.14) is found now, not at the first command.
/// </para>
/// </remarks>
/// <param name="Directory">The cgroup under which each command gets its own child.</param>
internal sealed record CgroupV2Delegation(string Directory)
{
    /// <summary>The leaf the server moves itself into.</summary>
    public const string ServerLeafName = "agentexec-server";

    /// <summary>Finds and prepares the delegated subtree of this process.</summary>
    /// <param name="limits">The configured limits, set on the probe cgroup.</param>
    /// <param name="error">Why there is none.</param>
    /// <returns>The subtree, or null.</returns>
    public static CgroupV2Delegation? TryDetect(ResourceLimits limits, out string error)
    {
        string membership;
        string mounts;
        try
        {
            membership = File.ReadAllText("/proc/self/cgroup");
            mounts = File.ReadAllText("/proc/self/mountinfo");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            error = "/proc/self/cgroup or /proc/self/mountinfo could not be read: " + exception.Message;
            return null;
        }

        return TryDetect(membership, mounts, Environment.ProcessId, limits, KernelCgroupFiles.Instance, out error);
    }

    /// <summary>Finds and prepares the delegated subtree from the given <c>/proc</c> texts and files.</summary>
    /// <param name="membership">The text of <c>/proc/self/cgroup</c>.</param>
    /// <param name="mountInfo">The text of <c>/proc/self/mountinfo</c>.</param>
    /// <param name="processId">The process to move into the server's leaf.</param>
    /// <param name="limits">The configured limits, set on the probe cgroup.</param>
    /// <param name="files">The cgroupfs.</param>
    /// <param name="error">Why there is none.</param>
    /// <returns>The subtree, or null.</returns>
    public static CgroupV2Delegation? TryDetect(string membership, string mountInfo, int processId, ResourceLimits limits, ICgroupFiles files, out string error)
    {
        ArgumentNullException.ThrowIfNull(membership);
        ArgumentNullException.ThrowIfNull(mountInfo);
        ArgumentNullException.ThrowIfNull(files);

        var cgroupPath = membership.Split('\n').FirstOrDefault(line => line.StartsWith("0::", StringComparison.Ordinal))?[3..].Trim();
        if (string.IsNullOrEmpty(cgroupPath) || cgroupPath[0] != '/')
        {
            error = "this process is in no cgroup v2 hierarchy (/proc/self/cgroup has no 0:: line)";
            return null;
        }

        if (FindDirectory(mountInfo, cgroupPath) is not { } directory)
        {
            error = $"no cgroup2 mount holds this process's cgroup {cgroupPath}";
            return null;
        }

        try
        {
            var controllers = Words(files.Read(Path.Combine(directory, "cgroup.controllers")));
            if (!controllers.Contains("pids") || !controllers.Contains("memory"))
            {
                var available = controllers.Count == 0 ? "none" : string.Join(' ', controllers);
                error = $"the cgroup v2 {directory} does not offer the pids and memory controllers (available: {available}; on a cgroup v1 or hybrid system they belong to v1)";
                return null;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            error = $"the cgroup v2 {directory} could not be read: {exception.Message}";
            return null;
        }

        return TryPrepare(directory, isRoot: cgroupPath == "/", processId, limits, files, out error);
    }

    /// <summary>The directory of <paramref name="cgroupPath"/> under the cgroup2 mount that holds it, or null.</summary>
    /// <remarks>mountinfo fields: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL…] - FSTYPE SOURCE SUPER; paths escape space, tab, newline and backslash in octal.</remarks>
    internal static string? FindDirectory(string mountInfo, string cgroupPath)
    {
        foreach (var line in mountInfo.Split('\n'))
        {
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0 || !line[(separator + 3)..].StartsWith("cgroup2 ", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line[..separator].Split(' ');
            if (fields.Length < 5)
            {
                continue;
            }

            var root = Unescape(fields[3]);
            var mountPoint = Unescape(fields[4]);
            if (root == "/")
            {
                return cgroupPath == "/" ? mountPoint : mountPoint.TrimEnd('/') + cgroupPath;
            }

            if (cgroupPath == root || cgroupPath.StartsWith(root + "/", StringComparison.Ordinal))
            {
                return mountPoint.TrimEnd('/') + cgroupPath[root.Length..];
            }
        }

        return null;
    }

    private static CgroupV2Delegation? TryPrepare(string directory, bool isRoot, int processId, ResourceLimits limits, ICgroupFiles files, out string error)
    {
        // The root cgroup is exempt from the no-internal-processes rule; anywhere else the server steps into a leaf.
        var leaf = Path.Combine(directory, ServerLeafName);
        var pid = processId.ToString(CultureInfo.InvariantCulture);
        var moved = false;
        try
        {
            if (!isRoot)
            {
                files.CreateDirectory(leaf);
                files.Write(Path.Combine(leaf, "cgroup.procs"), pid);
                moved = true;
            }

            var subtreeControl = Path.Combine(directory, "cgroup.subtree_control");
            var enabled = Words(files.Read(subtreeControl));
            if (!enabled.Contains("pids") || !enabled.Contains("memory"))
            {
                files.Write(subtreeControl, "+pids +memory");
            }

            var probe = new CgroupV2Delegation(directory);
            CommandCgroup.Create(probe, limits, files).Dispose();
            error = string.Empty;
            return probe;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CgroupSetupException)
        {
            error = $"the cgroup v2 {directory} is not delegated to AgentExec alone ({exception.Message}); give it a cgroup of its own (systemd: Delegate=yes)";
            if (moved)
            {
                TryMoveBack(directory, leaf, pid, files);
            }

            return null;
        }
    }

    private static void TryMoveBack(string directory, string leaf, string pid, ICgroupFiles files)
    {
        try
        {
            files.Write(Path.Combine(directory, "cgroup.procs"), pid);
            files.RemoveDirectory(leaf);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Staying in the leaf changes nothing for the server; the limits are rlimit either way.
        }
    }

    private static HashSet<string> Words(string text) => [.. text.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)];

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new System.Text.StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static bool IsOctal(string field, int start) =>
        start + 3 <= field.Length && field.Substring(start, 3).All(c => c is >= '0' and <= '7');
}
