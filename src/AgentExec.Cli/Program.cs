using AgentExec.Cli.Commands;

return await AgentExecCommandLine.InvokeAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
