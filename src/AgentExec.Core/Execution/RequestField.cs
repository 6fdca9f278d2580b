namespace AgentExec.Core.Execution;

/// <summary>
/// A field of a request to run a command, as Core knows it. Each front end spells it in its own vocabulary (the MCP
/// tool's <c>timeout_ms</c>, the CLI's <c>--timeout-ms</c>), so Core names none of them.
/// </summary>
public enum RequestField
{
    /// <summary>The command line.</summary>
    Command,

    /// <summary>The working directory.</summary>
    WorkingDirectory,

    /// <summary>The bound on each execution attempt.</summary>
    Timeout,
}
