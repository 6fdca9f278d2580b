using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AgentExec.Cli.Hosting;
using AgentExec.Cli.Terminal;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Pipeline.AuditRecords;
using Microsoft.Extensions.Logging;

namespace AgentExec.Cli.Commands;

/// <summary><c>agentexec run [options] -- CMD ARG…</c>: one command through the same pipeline as the server, asking on the terminal.</summary>
internal static class RunCommand
{
    public static Command Create(SharedOptions shared)
    {
        var timeout = new Option<long?>("--timeout-ms")
        {
            Description = $"Bounds the command's run, in milliseconds (default {(long)ExecRequest.DefaultTimeout.TotalMilliseconds}); time spent waiting for you does not count.",
            HelpName = "MS",
        };
        var command = new Command("run", """
            Run one command through the sandbox and approval policy; if it needs approval, ask on this terminal.
            Answers are read from the terminal only (never stdin): with no terminal the answer is no.
            Exit code: the command's own; 77 denied; 124 timed out; 125 could not start; 2 usage error.

            Examples:
              agentexec run -- make test
              agentexec run --approval-policy untrusted -- rm -rf build
              agentexec run --timeout-ms 5000 -- ./slow-script.sh
            """);
        shared.AddTo(command);
        command.Add(timeout);
        var commandLine = CommandLineArgument.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!CommandLineArgument.TryGetArgv(parseResult, commandLine, command, out var argv, out var argvError))
            {
                await Console.Error.WriteLineAsync($"agentexec: {argvError}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            // The request is checked before the settings load: a usage error is the first and only thing said, before
            // any sandbox warning, and costs no start-up work. The command runs where agentexec runs, so the workspace
            // (which only stands in for a missing working directory) is not needed for it.
            if (!ExecRequestValidation.TryCreate(
                    ShellQuoting.Join(argv),
                    Environment.CurrentDirectory,
                    parseResult.GetValue(timeout),
                    justification: null,
                    EscalationKind.None,
                    workspace: Environment.CurrentDirectory,
                    "run-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                    out var request,
                    out var requestError))
            {
                await Console.Error.WriteLineAsync($"agentexec: {FieldName(requestError!.Field)}: {requestError.Problem}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            // The call's audit events get their serializers built on the other core while the settings load.
            _ = AuditWarmUp.BuildSerializersAsync();
            // Every word of AgentExec's own from here on (question, logs, the final message) goes through one writer,
            // which resets the terminal after the command's output reached it (SaneTerminalWriter says why).
            var ownWords = new SaneTerminalWriter(Console.Error, isTerminal: !Console.IsErrorRedirected);
            // The command's output and the questions share the screen: the terminal holds the output back while it asks.
            using var observer = new ConsoleOutputObserver(ownWords);
            using var terminal = new ControllingTerminal(ownWords, observer);
            using var runtime = AgentExecRuntime.TryCreate(
                shared.GivenFlags(parseResult),
                ownWords,
                LogLevel.Warning,
                assessor => new SpinnerRiskAssessor(assessor, terminal),
                log: ownWords);
            if (runtime is null)
            {
                return ExitCodes.Usage;
            }

            if (!runtime.Sandbox.IsAvailable)
            {
                await ownWords.WriteLineAsync($"agentexec: {runtime.Sandbox.UnavailableReason}").ConfigureAwait(false);
                return ExitCodes.CouldNotStart;
            }

            var channel = new TerminalApprovalChannel(terminal, TimeProvider.System);
            var result = await runtime.Pipeline.ExecuteAsync(request!, channel, observer, cancellationToken).ConfigureAwait(false);
            // A completed run's message carries what the human must hear before their own tools run (a planted
            // repository), a limit that stopped the command, or an end the audit log could not record.
            if (result.InvalidField is { } invalid)
            {
                await ownWords.WriteLineAsync($"agentexec: {FieldName(invalid.Field)}: {invalid.Problem}").ConfigureAwait(false);
            }
            else if (result.Message is { } message)
            {
                await ownWords.WriteLineAsync($"agentexec: {message}").ConfigureAwait(false);
            }

            return ExitCode(result);
        });
        return command;
    }

    /// <summary>How this command line names a request field Core found at fault.</summary>
    /// <remarks>The command and the directory are not flags here: they are the words after <c>--</c> and where agentexec runs.</remarks>
    internal static string FieldName(RequestField field) => field switch
    {
        RequestField.Command => "the command after --",
        RequestField.WorkingDirectory => "the current directory",
        RequestField.Timeout => "--timeout-ms",
        _ => throw new UnreachableException($"no flag for {field}"),
    };

    /// <summary>SPEC.md's exit codes: the command's own when it ran, else 77, 124 or 125.</summary>
    internal static int ExitCode(ShellResult result) => result.Status switch
    {
        ShellStatus.Completed => result.ExitCode ?? ExitCodes.Internal,
        ShellStatus.TimedOut => ExitCodes.TimedOut,
        ShellStatus.FailedToStart => ExitCodes.CouldNotStart,
        _ => ExitCodes.Denied,
    };
}
