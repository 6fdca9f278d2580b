using System.Globalization;
using AgentExec.Tests.Core.Execution;

namespace AgentExec.Tests.TestSupport;

/// <summary>
/// Finds live host processes by a marker in their command line: inside a PID namespace a command's PIDs mean nothing
/// on the host, so a test gives the processes it wants to see die a unique argument instead.
/// </summary>
internal static class HostProcesses
{
    /// <summary>Live (not zombie) host processes whose <c>/proc/PID/cmdline</c> contains <paramref name="marker"/>, as "PID: command line".</summary>
    public static IReadOnlyList<string> Matching(string marker)
    {
        var found = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !ProcessTable.IsAlive(pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add($"{pid}: {commandLine.Trim()}");
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }

    /// <summary>Kills, by PID, every live process carrying <paramref name="marker"/>: a failed test must not leave its daemons running.</summary>
    public static void KillAll(string marker)
    {
        foreach (var entry in Matching(marker))
        {
            ProcessTable.KillQuietly(int.Parse(entry[..entry.IndexOf(':', StringComparison.Ordinal)], CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Polls until at least <paramref name="count"/> live processes carry <paramref name="marker"/>, or <paramref name="within"/> passed.</summary>
    public static bool AppearWithin(string marker, int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (Matching(marker).Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(50);
        }

        return true;
    }

    /// <summary>
    /// Polls until no live process carries <paramref name="marker"/> or <paramref name="within"/> passed: SIGKILL is
    /// delivered asynchronously, so this waits for the kernel, not for our own code.
    /// </summary>
    public static bool NoneWithin(string marker, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (Matching(marker).Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(50);
        }

        return true;
    }
}
