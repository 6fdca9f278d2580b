namespace AgentExec.Cli.Commands;

/// <summary>The exit codes of SPEC.md "Command line": one place, so every subcommand says the same thing.</summary>
internal static class ExitCodes
{
    /// <summary>An internal error.</summary>
    public const int Internal = 1;

    /// <summary>A usage or parse error.</summary>
    public const int Usage = 2;

    /// <summary>The command was denied (EX_NOPERM).</summary>
    public const int Denied = 77;

    /// <summary>The command timed out.</summary>
    public const int TimedOut = 124;

    /// <summary>The command (or the server) could not start: no sandbox, bad working directory.</summary>
    public const int CouldNotStart = 125;
}
