using System.Diagnostics;

namespace AgentExec.Tests.TestSupport;

/// <summary>Runs a program on the host, unsandboxed, as the human's own tools would: the positive controls' side.</summary>
internal static class HostCommand
{
    /// <summary>Runs <paramref name="program"/> in <paramref name="directory"/> with git's machine-wide configuration switched off; returns the exit code and both streams.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string directory, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The tests' repositories must not depend on the machine's git configuration.
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>Runs git and fails the test when it fails.</summary>
    public static string Git(string directory, params string[] args)
    {
        var (exitCode, stdout, stderr) = Run(directory, "git", args);
        Assert.True(exitCode == 0, $"git {string.Join(' ', args)} failed: {stderr}");
        return stdout;
    }
}
