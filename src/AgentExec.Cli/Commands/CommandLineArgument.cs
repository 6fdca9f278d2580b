using System.CommandLine;
using System.CommandLine.Parsing;

namespace AgentExec.Cli.Commands;

/// <summary>The <c>-- CMD ARG…</c> argument of run, check and assess: an argv, quoted into one line (SPEC.md "Command line").</summary>
internal static class CommandLineArgument
{
    /// <summary>Adds the argument to <paramref name="command"/>.</summary>
    public static Argument<string[]> AddTo(Command command)
    {
        var argument = new Argument<string[]>("command")
        {
            Description = "The command and its arguments, after `--`. They are quoted (POSIX) into one line and run as `bash -c LINE`.",
            Arity = ArgumentArity.OneOrMore,
            HelpName = "CMD ARG…",
        };
        command.Add(argument);
        return argument;
    }

    /// <summary>The argv after <c>--</c>, or a usage error.</summary>
    /// <remarks>
    /// Without the <c>--</c>, a mistyped agentexec flag (<c>--aproval-policy x</c>) would silently become part of
    /// the command to run; so the command is exactly the tokens after the first <c>--</c>, and nothing before it.
    /// </remarks>
    public static bool TryGetArgv(ParseResult parseResult, Argument<string[]> argument, Command command, out string[] argv, out string? error)
    {
        argv = parseResult.GetValue(argument) ?? [];
        error = null;
        var tokens = parseResult.Tokens;
        var afterDoubleDash = tokens
            .SkipWhile(token => token.Type != TokenType.DoubleDash)
            .Skip(1)
            .Select(token => token.Value)
            .ToArray();
        if (afterDoubleDash.Length > 0 && afterDoubleDash.SequenceEqual(argv, StringComparer.Ordinal))
        {
            return true;
        }

        var stray = argv.FirstOrDefault(value => value.StartsWith('-'));
        error = (stray is not null && !afterDoubleDash.Contains(stray, StringComparer.Ordinal) ? $"Unrecognized option '{stray}'. " : string.Empty)
            + $"Put the command to run after `--`: agentexec {command.Name} [options] -- CMD ARG…";
        return false;
    }
}
