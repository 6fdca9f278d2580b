namespace AgentExec.Tests.Oracle;

/// <summary>What one sandboxed run of a line left behind: the strace log, the captured output, how it ended.</summary>
/// <param name="Line">The command line that ran as <c>bash -c</c>.</param>
/// <param name="Trace">The strace log (empty when the sandbox never started the line).</param>
/// <param name="Output">Standard output, cut at a limit.</param>
/// <param name="Error">Standard error (bubblewrap's, strace's and the line's), cut at a limit.</param>
/// <param name="TimedOut">True when the run was killed at the time limit.</param>
/// <param name="ExitCode">The exit status, or null when the run was killed.</param>
internal sealed record BashRun(string Line, string Trace, string Output, string Error, bool TimedOut, int? ExitCode);
