
namespace AgentExec.Core.Execution;

/// <summary>A validated request to run one command line, as either front end hands it to the pipeline.</summary>
/// <param name="CommandLine">The line, run as <c>bash -c CommandLine</c>.</param>
/// <param name="WorkingDirectory">Absolute path; the workspace when the caller gave none.</param>
/// <param name="Timeout">Bounds each execution attempt; time spent assessing or waiting for a human does not count.</param>
/// <param name="Justification">Why the agent needs it, if it said.</param>
/// <param name="Escalation">None, or <see cref="EscalationKind.RequireEscalated"/> when the agent asked to run outside the sandbox.</param>
/// <param name="CallId">The front end's id for the call (the MCP request id, or a local one), for correlation.</param>
public sealed record ExecRequest(
    string CommandLine,
    string WorkingDirectory,
    TimeSpan Timeout,
    string? Justification,
    EscalationKind Escalation,
    string CallId)
{
    /// <summary>The default execution timeout: 120 s.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMilliseconds(120_000);

    /// <summary>The largest execution timeout a call may ask for: one hour.</summary>
    public static TimeSpan MaxTimeout { get; } = TimeSpan.FromMilliseconds(3_600_000);
}
