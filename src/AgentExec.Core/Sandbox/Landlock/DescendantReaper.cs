using System.Globalization;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The launcher's supervision as a child subreaper: waits for the command, then kills and reaps every process the
/// command left behind, so no background, double-forked or <c>setsid</c> process outlives the run.
/// </summary>
/// <remarks>
/// As a subreaper (<c>PR_SET_CHILD_SUBREAPER</c>) the launcher adopts every orphan below it, whatever session or
/// process group it moved to, so "every process the command started" is exactly "every child the launcher still has".
/// Killing a child by its pid is race-free: a child that has not been reaped keeps its pid. A killed child's own
/// children are adopted in turn, so the loop repeats until none is left. On a timeout or cancellation the runner kills
/// the launcher's process group instead, which the command cannot leave (<see cref="LandlockSeccompFilter"/>).
/// </remarks>
internal static unsafe class DescendantReaper
{
    // waitpid option: return at once when no child has changed state (sys/wait.h).
    private const int WaitNoHang = 1;

    // How often the launcher looks whether its parent is still there while the command runs.
    private const int ParentCheckMilliseconds = 200;
    private const short PollIn = 1;

    /// <summary>
    /// Waits for <paramref name="commandPid"/>, kills what remains, and returns the command's exit code (128+N for signal
    /// N). When the launcher's parent (<paramref name="parentPid"/>, the server) goes away first, the command and all it
    /// started are killed: nobody is left to time it out, read its output or record its end (an attack killed the
    /// server and had its command write to the workspace afterwards).
    /// </summary>
    public static int WaitForCommandThenKillTheRest(int commandPid, int parentPid)
    {
        var pidfd = (int)Libc.Syscall(X64Syscall.PidfdOpen, commandPid, 0, 0, 0, 0);
        if (pidfd < 0)
        {
            // Not expected on a kernel with Landlock; the wait below still ends with the command, unwatched.
            return WaitForCommandThenKillTheRest(commandPid);
        }

        try
        {
            while (true)
            {
                // Readable once the command has ended; otherwise the timeout lets the parent be checked.
                var descriptor = new PollDescriptor { Fd = pidfd, Events = PollIn };
                _ = Libc.Syscall(X64Syscall.Poll, (nint)(&descriptor), 1, ParentCheckMilliseconds, 0, 0);
                if (ReapEnded(commandPid) is { } status)
                {
                    KillRemainingDescendants();
                    return ExitCode(status);
                }

                if ((int)Libc.Syscall(X64Syscall.GetParentPid, 0, 0, 0, 0, 0) != parentPid)
                {
                    // The whole process group at once, the launcher with it: nobody is left to report a status to.
                    _ = Libc.Kill(0, LinuxSignal.Kill);
                    KillRemainingDescendants();
                    return 128 + LinuxSignal.Kill;
                }
            }
        }
        finally
        {
            Libc.Close(pidfd);
        }
    }

    // Reaps every child that has ended; the command's wait status once it is among them, else null.
    private static int? ReapEnded(int commandPid)
    {
        while (true)
        {
            int reaped;
            var pid = Libc.WaitPid(-1, &reaped, WaitNoHang);
            if (pid == commandPid)
            {
                return reaped;
            }

            if (pid > 0)
            {
                // An adopted orphan ended: reaped, look again.
                continue;
            }

            if (pid == 0)
            {
                return null;
            }

            var errno = Libc.LastError;
            if (errno == Errno.EINTR)
            {
                continue;
            }

            KillRemainingDescendants();
            throw new LandlockSetupException($"lost track of the command: waitpid failed: {Libc.Describe(errno)}");
        }
    }

    // struct pollfd.
    private struct PollDescriptor
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    /// <summary>Waits for <paramref name="commandPid"/> with a blocking wait, kills what remains, and returns the command's exit code.</summary>
    public static int WaitForCommandThenKillTheRest(int commandPid)
    {
        int status;
        while (true)
        {
            int reaped;
            var pid = Libc.WaitPid(-1, &reaped, 0);
            if (pid == commandPid)
            {
                status = reaped;
                break;
            }

            if (pid < 0)
            {
                var errno = Libc.LastError;
                if (errno == Errno.EINTR)
                {
                    continue;
                }

                KillRemainingDescendants();
                throw new LandlockSetupException($"lost track of the command: waitpid failed: {Libc.Describe(errno)}");
            }

            // An adopted orphan ended before the command did: reaped, nothing else to do.
        }

        KillRemainingDescendants();
        return ExitCode(status);
    }

    /// <summary>Kills and reaps every child of this process until there are none.</summary>
    public static void KillRemainingDescendants()
    {
        var self = Libc.GetPid();
        while (true)
        {
            int status;
            var pid = Libc.WaitPid(-1, &status, WaitNoHang);
            if (pid > 0)
            {
                continue;
            }

            if (pid < 0)
            {
                if (Libc.LastError == Errno.EINTR)
                {
                    continue;
                }

                // ECHILD: nothing is left. The common case costs this one call, and no /proc scan.
                return;
            }

            foreach (var child in ChildrenOf(self))
            {
                Libc.Kill(child, LinuxSignal.Kill);
            }

            // Wait for at least one to end before looking again, so the loop does not spin while SIGKILL is delivered.
            Libc.WaitPid(-1, &status, 0);
        }
    }

    /// <summary>The pids whose parent is <paramref name="parent"/>, read from <c>/proc/*/stat</c> (works without CONFIG_PROC_CHILDREN).</summary>
    internal static List<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
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

            if (ParentOf(stat) == parent)
            {
                children.Add(pid);
            }
        }

        return children;
    }

    /// <summary>The parent pid in a <c>/proc/PID/stat</c> line: "pid (comm) state ppid …", where comm may hold spaces and parentheses.</summary>
    internal static int? ParentOf(string stat)
    {
        var end = stat.LastIndexOf(')');
        if (end < 0)
        {
            return null;
        }

        var fields = stat[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : null;
    }

    /// <summary>A <c>wait</c> status as a shell reports it: the exit code, or 128+N when signal N ended the process.</summary>
    internal static int ExitCode(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }
}
