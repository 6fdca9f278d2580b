using System.Globalization;
using System.Text;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Execution;

/// <summary>
/// The argv that runs a command line under the user config's <c>limits</c> (SPEC.md "Sandbox"): bash sets the limits
/// with <c>ulimit</c> and then <c>exec</c>s the command line, so every process the command starts inherits them.
/// </summary>
/// <remarks>
/// The command line is passed as a positional argument, never spliced into the script, so it is not re-parsed.
/// <c>processes</c> is <c>RLIMIT_NPROC</c>: the kernel counts every process of the same user, and root is exempt.
/// <c>memory_bytes</c> bounds each process's address space (rounded down to KiB), <c>cpu_seconds</c> its CPU time.
/// A limit that cannot be set stops the run with exit code 125 before the command starts.
/// </remarks>
public static class ResourceLimitCommand
{
    /// <summary>The exit code when a limit could not be set (the command did not start).</summary>
    public const int LimitFailedExitCode = 125;

    /// <summary>The argv for <paramref name="commandLine"/>: plain <c>bash -c LINE</c> when no limit is set.</summary>
    public static IReadOnlyList<string> Argv(string commandLine, ResourceLimits limits)
    {
        var script = new StringBuilder();
        if (limits.MaxProcesses is { } processes)
        {
            script.Append(CultureInfo.InvariantCulture, $"ulimit -u {processes} && ");
        }

        if (limits.MaxMemoryBytes is { } bytes)
        {
            script.Append(CultureInfo.InvariantCulture, $"ulimit -v {Math.Max(1, bytes / 1024)} && ");
        }

        if (limits.MaxCpuSeconds is { } seconds)
        {
            script.Append(CultureInfo.InvariantCulture, $"ulimit -t {seconds} && ");
        }

        if (script.Length == 0)
        {
            return ShellArgv.For(commandLine);
        }

        // The inner bash is named by its absolute path too: a bare name would be looked up on the command's PATH.
        script.Append(CultureInfo.InvariantCulture, $"exec {ShellQuoting.Quote(TrustedShell.Path)} -c \"$1\" || exit {LimitFailedExitCode}");
        return [TrustedShell.Path, "-c", script.ToString(), "agentexec-limits", commandLine];
    }
}
