using System.CommandLine;

namespace AgentExec.Cli.Commands;

/// <summary>The <c>agentexec</c> command tree, and the one place that turns a parse error into exit code 2.</summary>
internal static class AgentExecCommandLine
{
    public static RootCommand Create()
    {
        var shared = new SharedOptions();
        var root = new RootCommand("""
            AgentExec runs an AI agent's shell commands under a sandbox policy, and asks a human before anything the
            policy does not allow. Every decision is recorded in a hash-chained audit log.

            Examples:
              agentexec serve                              MCP server on stdio (wire it into your MCP client)
              agentexec run -- make test                   run one command under the same policy, asking here
              agentexec check -- rm -rf build              what would the policy do with this command, and why?
              agentexec check --json -- git push           the same, as JSON
              agentexec audit verify                       prove the audit log was not edited
            """);
        root.Add(ServeCommand.Create(shared));
        root.Add(RunCommand.Create(shared));
        root.Add(CheckCommand.Create(shared));
        root.Add(AuditCommand.Create());
        return root;
    }

    /// <summary>Parses and runs; usage errors print the offending flag and return 2 (SPEC.md), never 1.</summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parseResult = Create().Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync($"agentexec: {parseError.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'agentexec --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).ConfigureAwait(false);
    }
}
