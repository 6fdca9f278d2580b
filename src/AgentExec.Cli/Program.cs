using System.Runtime.CompilerServices;
using AgentExec.Cli.Commands;
using AgentExec.Cli.Hosting;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

// Before anything else, in every mode: no .NET diagnostic endpoint in this process (a JIT-hosted agentexec restarts
// itself once with DOTNET_EnableDiagnostics=0; see RuntimeDiagnostics), and no descriptor its parent left open reaches
// a program it starts (marked again right before each start, in CommandRunner and in the launcher).
if ((RuntimeDiagnostics.RestartWithoutDiagnosticsIfNeeded() ?? InheritedDescriptors.MarkCloseOnExec()) is { } startUpProblem)
{
    await Console.Error.WriteLineAsync($"agentexec: {startUpProblem}").ConfigureAwait(false);
    return ExitCodes.CouldNotStart;
}

// Launcher mode first, before System.CommandLine, logging, telemetry or the console are touched: the Landlock backend
// starts this binary once per sandboxed command, so its start-up is paid on every call. It is not a subcommand
// (--help does not list it); see LandlockLauncher for the protocol.
if (LandlockLauncher.IsInvocation(args))
{
    return LandlockLauncher.Run(args);
}

// Bridge mode likewise: bubblewrap starts this binary inside the sandbox of every call with a network allow-list, to
// relay a loopback port to the call's egress proxy; see EgressBridge for the protocol.
if (EgressBridge.IsInvocation(args))
{
    return EgressBridge.Run(args);
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
