using System.Globalization;

namespace AgentExec.Core.Execution;

/// <summary>The state and parent pid of a <c>/proc/PID/stat</c> line: "pid (comm) state ppid …", where comm may hold spaces and parentheses.</summary>
internal readonly record struct ProcessStatLine(char State, int Parent)
{
    /// <summary>Every process's line that can be read now, with its pid (a process that ends meanwhile is skipped).</summary>
    public static IEnumerable<(int Pid, ProcessStatLine Line)> ReadAll()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (Read(stat) is { } line)
            {
                yield return (pid, line);
            }
        }
    }

    /// <summary>The fields, or null for a line that does not have that shape.</summary>
    public static ProcessStatLine? Read(string stat)
    {
        var end = stat.LastIndexOf(')');
        if (end < 0)
        {
            return null;
        }

        var fields = stat[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 1 && fields[0].Length == 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
            ? new ProcessStatLine(fields[0][0], parent)
            : null;
    }
}
