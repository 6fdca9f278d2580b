using AgentExec.Cli.Commands;
using AgentExec.Cli.Hosting;

// Process-wide, so the last spans and metrics of `run` and `serve` are flushed as the process ends.
using var telemetry = TelemetryExport.StartFromEnvironment(Console.Error);
return await AgentExecCommandLine.InvokeAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
