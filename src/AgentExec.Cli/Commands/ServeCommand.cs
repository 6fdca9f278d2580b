using System.CommandLine;
using AgentExec.Cli.Hosting;
using AgentExec.Core.Pipeline.AuditRecords;
using AgentExec.Mcp;
using Microsoft.Extensions.Logging;

namespace AgentExec.Cli.Commands;

/// <summary><c>agentexec serve</c>: the MCP server on stdio.</summary>
internal static class ServeCommand
{
    private static Task? warmUp;

    /// <summary>
    /// Starts building the MCP SDK's protocol metadata, and the audit events' for the first call, on the other core
    /// (once per process): called as soon as the command line names <c>serve</c>, before it is parsed, so that the
    /// building overlaps the parse as well as the settings, rules and sandbox set-up. It is the longest piece of work
    /// before <c>initialize</c> can be answered (issue 12).
    /// </summary>
    /// <returns>A task that completes when the SDK's metadata is built; it never faults.</returns>
    public static Task BeginWarmUp()
    {
        if (warmUp is null)
        {
            warmUp = AgentExecMcpServer.WarmUpAsync();
            _ = AuditWarmUp.BuildSerializersAsync();
        }

        return warmUp;
    }

    public static Command Create(SharedOptions shared)
    {
        var command = new Command("serve", """
            Run the MCP server on stdio (stdout is the protocol; logs go to stderr).

            Examples:
              agentexec serve
              agentexec serve --approval-policy untrusted --workspace ~/src/project
            """);
        shared.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var warmUp = BeginWarmUp();
            using var runtime = AgentExecRuntime.TryCreate(shared.GivenFlags(parseResult), Console.Error, LogLevel.Information);
            if (runtime is null)
            {
                return ExitCodes.Usage;
            }

            if (!runtime.Sandbox.IsAvailable)
            {
                // Never a silent fallback to running unsandboxed (SPEC.md "Sandbox").
                await Console.Error.WriteLineAsync($"agentexec: {runtime.Sandbox.UnavailableReason}").ConfigureAwait(false);
                return ExitCodes.CouldNotStart;
            }

            await warmUp.ConfigureAwait(false);
            await AgentExecMcpServer.RunStdioAsync(
                runtime.Pipeline,
                runtime.LoggerFactory,
                cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
