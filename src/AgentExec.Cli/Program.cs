using System.Runtime.CompilerServices;
using AgentExec.Cli.Commands;
using AgentExec.Cli.Hosting;
using AgentExec.Core.Sandbox;

// Launcher mode first, before System.CommandLine, logging, telemetry or the console are touched: the Landlock backend
// starts this binary once per sandboxed command, so its start-up is paid on every call. It is not a subcommand
// (--help does not list it); see LandlockLauncher for the protocol.
if (LandlockLauncher.IsInvocation(args))
{
    return LandlockLauncher.Run(args);
}

return await RunCommandLineAsync(args).ConfigureAwait(false);

// A separate method keeps the command-line and telemetry types out of the launcher's path until they are needed.
[MethodImpl(MethodImplOptions.NoInlining)]
static async Task<int> RunCommandLineAsync(string[] args)
{
    // Process-wide, so the last spans and metrics of `run` and `serve` are flushed as the process ends.
    using var telemetry = TelemetryExport.StartFromEnvironment(Console.Error);
    return await AgentExecCommandLine.InvokeAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
}
