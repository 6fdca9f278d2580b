using System.CommandLine;

namespace AgentExec.Cli.Commands;

/// <summary>The <c>agentexec</c> command tree, and the one place that turns a parse error into exit code 2.</summary>
internal static class AgentExecCommandLine
{
    // The subcommands by name. Each is built only when asked for: a command line that names one parses with a tree of
    // that one alone, which gives the same parse and the same errors (no option is shared between siblings) and spares
    // every start the construction of the others (their options, descriptions and validators).
    private static readonly (string Name, Func<SharedOptions, Command> Create)[] Subcommands =
    [
        ("serve", ServeCommand.Create),
        ("run", RunCommand.Create),
        ("check", CheckCommand.Create),
        ("audit", _ => AuditCommand.Create()),
        ("assess", AssessCommand.Create),
    ];

    /// <summary>The whole tree (<paramref name="only"/> null), or the root with the one subcommand of that name.</summary>
    public static RootCommand Create(string? only = null)
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
              agentexec assess --experimental-sandbox-command-assessment -- rm -rf build
                                                           the LLM's advisory risk assessment of a command
            """);
        foreach (var (name, create) in Subcommands)
        {
            if (only is null || only == name)
            {
                root.Add(create(shared));
            }
        }

        return root;
    }

    /// <summary>Parses and runs; usage errors print the offending flag and return 2 (SPEC.md), never 1.</summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        // Anything but a subcommand's exact name first (--help, --version, a typo) is parsed against the whole tree, so
        // the root's help lists every subcommand and a misspelt one gets its suggestions.
        var named = args.Length > 0 && Array.Exists(Subcommands, subcommand => subcommand.Name == args[0]) ? args[0] : null;
        var parseResult = Create(named).Parse(args);
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
