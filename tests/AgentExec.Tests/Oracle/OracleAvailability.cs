using System.Diagnostics;

namespace AgentExec.Tests.Oracle;

/// <summary>Whether the differential oracle can run here (bubblewrap and strace, working together), and the loud reason when not.</summary>
/// <remarks>
/// With <c>AGENTEXEC_TEST_REQUIRE_BUBBLEWRAP=1</c> (CI sets it, and installs both tools) a missing tool fails the
/// oracle's tests instead of skipping them: a harness that quietly does not run proves nothing.
/// </remarks>
internal static class OracleAvailability
{
    private static readonly Lazy<string?> Problem = new(FindProblem);

    /// <summary>Why the oracle cannot run here, or null when it can.</summary>
    public static string? Unavailable => Problem.Value;

    /// <summary>The reason the oracle's tests are skipped, or null when they run (or must fail instead).</summary>
    public static string? SkipReason =>
        Problem.Value is { } problem && Environment.GetEnvironmentVariable(BubblewrapAvailability.RequireVariable) != "1"
            ? $"SKIPPED, NOT PASSED: the differential oracle cannot run here ({problem}). Install bubblewrap and strace "
                + $"(`apt-get install bubblewrap strace`), or set {BubblewrapAvailability.RequireVariable}=1 to make this a failure."
            : null;

    /// <summary>Fails the calling test with the reason when the oracle cannot run.</summary>
    public static void Require()
    {
        if (Problem.Value is { } problem)
        {
            Assert.Fail($"the differential oracle cannot run here: {problem}");
        }
    }

    private static string? FindProblem()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "it needs Linux";
        }

        foreach (var tool in new[] { SandboxedBash.Bubblewrap, SandboxedBash.Strace, "/bin/bash" })
        {
            if (!File.Exists(tool))
            {
                return $"{tool} is not installed";
            }
        }

        // The tools exist; check that strace can trace inside a bubblewrap sandbox (user namespaces, ptrace).
        var start = new ProcessStartInfo(SandboxedBash.Bubblewrap) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--",
            SandboxedBash.Strace, "-f", "-qq", "-e", "trace=execve", "-o", "/dev/null", "/bin/true",
        })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                return "strace inside bwrap did not finish";
            }

            return process.ExitCode == 0 ? null : $"strace inside bwrap failed: {error.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return $"bwrap could not start: {exception.Message}";
        }
    }
}
