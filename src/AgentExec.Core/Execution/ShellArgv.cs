namespace AgentExec.Core.Execution;

/// <summary>
/// The one spelling of how a command line is run: <c>bash -c LINE</c> (SPEC.md "MCP tool <c>shell</c>"), with the
/// bash of <see cref="TrustedShell"/> named by its absolute path.
/// </summary>
public static class ShellArgv
{
    /// <summary>The argv that runs <paramref name="commandLine"/>, as the question, the assessor and the runner see it.</summary>
    public static IReadOnlyList<string> For(string commandLine) => [TrustedShell.Path, "-c", commandLine];
}
