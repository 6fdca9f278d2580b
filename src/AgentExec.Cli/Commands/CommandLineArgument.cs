using System.CommandLine;

namespace AgentExec.Cli.Commands;

/// <summary>The <c>-- CMD ARG…</c> argument of run, check and assess: an argv, quoted into one line (SPEC.md "Command line").</summary>
internal static class CommandLineArgument
{
    public static Argument<string[]> Create() => new("command")
    {
        Description = "The command and its arguments, after `--`. They are quoted (POSIX) into one line and run as `bash -c LINE`.",
        Arity = ArgumentArity.OneOrMore,
        HelpName = "CMD ARG…",
    };
}
