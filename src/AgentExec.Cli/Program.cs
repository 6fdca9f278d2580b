using System.Runtime.CompilerServices;
using AgentExec.Cli.Commands;
using AgentExec.Core.Sandbox;

// Launcher mode first, before System.CommandLine, logging or the console are touched: the Landlock backend starts
// this binary once per sandboxed command, so its start-up is paid on every call. It is not a subcommand (--help does
// not list it); see LandlockLauncher for the protocol.
if (LandlockLauncher.IsInvocation(args))
{
    return LandlockLauncher.Run(args);
}

return await RunCommandLineAsync(args).ConfigureAwait(false);

// A separate method keeps the command-line types out of the launcher's path until they are needed.
[MethodImpl(MethodImplOptions.NoInlining)]
static Task<int> RunCommandLineAsync(string[] args) => AgentExecCommandLine.InvokeAsync(args, Console.Out, Console.Error);
