using System.Diagnostics;

namespace AgentExec.Tests.TestSupport;

/// <summary>Real bash on the host, outside any sandbox: the positive control that a danger a test guards against is there.</summary>
internal static class HostShell
{
    /// <summary>Runs <paramref name="script"/> with <c>bash -c</c> in <paramref name="workingDirectory"/>, asserts it exits 0, and returns its stdout.</summary>
    public static string Run(string script, string workingDirectory)
    {
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-c", script])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
        })!;
        var output = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        Assert.Equal(0, bash.ExitCode);
        return output;
    }
}
