namespace AgentExec.Tests.Core.Execution;

/// <summary>Reads <c>/proc</c> to tell whether a process the test did not start is still alive.</summary>
internal static class ProcessTable
{
    /// <summary>True while <paramref name="pid"/> exists and is not a zombie (a killed orphan may stay a zombie when no init reaps it).</summary>
    public static bool IsAlive(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }

        // The state letter follows the command name, which is in parentheses and may itself contain ") ".
        var state = stat[(stat.LastIndexOf(')') + 2)..][0];
        return state is not ('Z' or 'X');
    }

    /// <summary>
    /// Polls until <paramref name="pid"/> is gone or <paramref name="within"/> passed. SIGKILL is delivered
    /// asynchronously by the kernel, so a just-killed process may be visible for a moment; this is waiting for the
    /// operating system, not for our own code.
    /// </summary>
    public static bool DiesWithin(int pid, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    public static void KillQuietly(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
