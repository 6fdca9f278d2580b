using System.CommandLine;
using AgentExec.Cli.Hosting;
using AgentExec.Core.Pipeline.AuditRecords;
using AgentExec.Mcp;
using Microsoft.Extensions.Logging;

namespace AgentExec.Cli.Commands;

/// <summary><c>agentexec serve</c>: the MCP server on stdio.</summary>
internal static class ServeCommand
{
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
            // The SDK's metadata, and the audit events' for the first call, are built on the other core while the
            // settings, rules and sandbox are set up.
            var warmUp = AgentExecMcpServer.WarmUpAsync();
            _ = AuditWarmUp.BuildSerializersAsync();
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
