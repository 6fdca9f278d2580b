using System.Diagnostics;
using System.Globalization;

namespace AgentExec.Core.Execution;

/// <summary>
/// Stops (<c>SIGSTOP</c>) a process and every descendant before its tree is killed, so that nothing in it can fork a
/// process the kill's own walk of the tree would miss.
/// </summary>
/// <remarks>
/// <para>
/// The kill that ends a timed-out or cancelled command (<c>Process.Kill(entireProcessTree: true)</c>) walks the tree
/// through <c>/proc</c> and kills as it goes. A command that keeps forking (<c>( orphan &amp; )</c> in a loop) outruns
/// it: once the Landlock launcher, the subreaper that adopts the orphans, is killed, orphans made during the walk go to
/// init and live on (an attack kept 112 processes writing to the workspace 22 s after the call reported them killed).
/// A stopped process cannot fork, and its children stay below it, so freezing the tree first leaves the walk a tree
/// that holds still.
/// </para>
/// <para>
/// Each pass reads every <c>/proc/PID/stat</c> once, collects the descendants of the root by parent pid and stops the
/// ones not stopped yet. <c>SIGSTOP</c> takes effect asynchronously, so the tree counts as frozen only when a pass finds
/// nothing new and every process in it is stopped (state <c>T</c>) or gone. A process that exits meanwhile hands its
/// children to the nearest subreaper, which is in the tree (the launcher) or is the root's parent (then they left the
/// tree before the freeze began, which only a PID namespace contains). The passes are bounded; past the bound the kill
/// proceeds anyway, no worse than before.
/// </para>
/// </remarks>
internal static class ProcessTreeFreezer
{
    private const int StopSignal = 19; // SIGSTOP on x86_64 and the generic ABI.
    private const int KillSignal = 9;
    private const int MaxPasses = 200;

    /// <summary>
    /// Freezes the tree of <paramref name="rootPid"/> (<see cref="Freeze"/>), then kills every process it stopped, the
    /// root included. The caller's own tree kill follows, for whatever this could not see.
    /// </summary>
    public static void FreezeThenKill(int rootPid)
    {
        var signalled = new HashSet<int>();
        _ = Freeze(rootPid, signalled);
        foreach (var pid in signalled)
        {
            _ = Libc.Kill(pid, KillSignal);
        }
    }

    /// <summary>
    /// Stops <paramref name="rootPid"/> and all its descendants, adding each pid it signalled to
    /// <paramref name="signalled"/>; returns true when the whole tree was seen stopped.
    /// </summary>
    public static bool Freeze(int rootPid, HashSet<int> signalled)
    {
        ArgumentNullException.ThrowIfNull(signalled);
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var tree = ReadTree(rootPid);
            var found = false;
            var allStopped = true;
            foreach (var (pid, state) in tree)
            {
                if (signalled.Add(pid))
                {
                    found = true;
                    _ = Libc.Kill(pid, StopSignal);
                }

                allStopped &= state is 'T' or 't' or 'Z' or 'X';
            }

            if (!found && allStopped)
            {
                return true;
            }

            if (!found)
            {
                // Signals sent, not yet taken: give the kernel a moment before looking again.
                Thread.Sleep(1);
            }
        }

        return false;
    }

    // The root and its descendants, each with its state letter, from one read of /proc.
    private static List<(int Pid, char State)> ReadTree(int rootPid)
    {
        var children = new Dictionary<int, List<int>>();
        var states = new Dictionary<int, char>();
        foreach (var (pid, fields) in ProcessStatLine.ReadAll())
        {
            states[pid] = fields.State;
            if (!children.TryGetValue(fields.Parent, out var list))
            {
                children[fields.Parent] = list = [];
            }

            list.Add(pid);
        }

        var tree = new List<(int, char)>();
        if (!states.TryGetValue(rootPid, out var rootState))
        {
            return tree;
        }

        tree.Add((rootPid, rootState));
        var pending = new Stack<int>();
        pending.Push(rootPid);
        var seen = new HashSet<int> { rootPid };
        while (pending.TryPop(out var parent))
        {
            foreach (var child in children.GetValueOrDefault(parent) ?? [])
            {
                if (seen.Add(child))
                {
                    tree.Add((child, states[child]));
                    pending.Push(child);
                }
            }
        }

        Debug.Assert(tree.Count > 0, "the root is in its own tree");
        return tree;
    }
}

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
