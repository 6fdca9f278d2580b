namespace AgentExec.Core.Commands;

/// <summary>
/// Gives one normalised simple command its built-in verdict (SPEC.md "Policy", step 3): what the program
/// does with these arguments, what its wrappers add, then what the rest of the command does (variables
/// set for it, expansions that evaluate code, redirections that write files).
/// </summary>
internal static class CommandClassifier
{
    /// <summary>The verdict on <paramref name="command"/>; <paramref name="nested"/> is set for a shell, <c>eval</c> or <c>source</c>.</summary>
    public static Verdict Classify(NormalizedCommand command, NestedScriptRun? nested)
    {
        var verdict = ProgramVerdict(command, nested);
        if (command.ImposedByWrappers is { } imposed)
        {
            verdict = verdict.Or(imposed);
        }

        if (verdict.Safety == CommandSafety.KnownSafe && Spoiler(command) is { } spoiler)
        {
            verdict = Verdict.Ordinary(spoiler);
        }

        if (command.Command.AllRedirections.Any(redirection => redirection.WritesDiskDevice))
        {
            verdict = verdict.Or(Verdict.Dangerous("writes to a disk device through a redirection"));
        }

        return verdict;
    }

    private static Verdict ProgramVerdict(NormalizedCommand command, NestedScriptRun? nested)
    {
        if (nested is not null)
        {
            return nested.Verdict;
        }

        if (command.ProgramIsComputed)
        {
            // Like bash -c "$X": whatever runs was never written down for anyone to read.
            return Verdict.Dangerous("runs a program whose name is computed at run time");
        }

        if (command.UnknownReason is { } unknown)
        {
            // A wrapper whose options cannot be read is still itself (sudo stays dangerous).
            return DangerousPrograms.Check(command.Program, command.Args) ?? Verdict.Ordinary(unknown);
        }

        if (command.Program.Length == 0)
        {
            return command.SetsVariables ? Verdict.Ordinary("variable assignment") : Verdict.Safe("redirections only");
        }

        return command.Program switch
        {
            "git" => GitCommand.Classify(command.Args),
            "find" => FindCommand.Classify(command.Args),
            _ => DangerousPrograms.Check(command.Program, command.Args)
                ?? ReadOnlyPrograms.Check(command.Program, command.Args)
                ?? Verdict.Ordinary("not a known read-only program"),
        };
    }

    // What keeps an otherwise read-only program from being known-safe, if anything.
    private static string? Spoiler(NormalizedCommand command)
    {
        var parsed = command.Command;
        if (command.SetsVariables)
        {
            // LD_PRELOAD, BASH_ENV, PAGER, GIT_* and friends change what a read-only program runs.
            return "variable assignment before the command";
        }

        if (command.RunsFileOutsideSystemDirectories)
        {
            return "runs a program by path outside the system directories";
        }

        var redirections = parsed.AllRedirections.ToList();
        var words = parsed.Assignments.Concat(parsed.Words)
            .Concat(redirections.Select(redirection => redirection.Target))
            .Concat(redirections.Select(redirection => redirection.Heredoc?.Expanded).OfType<ShellWord>());
        if (words.Any(word => word.Evaluates))
        {
            return "an expansion assigns a variable or evaluates code";
        }

        if (redirections.Any(redirection => redirection.WritesFile))
        {
            return "writes a file through a redirection";
        }

        if (parsed.Words.Any(word => (word.Traits & WordTraits.OutputProcessSubstitution) != 0))
        {
            return "writes to a process substitution >(…)";
        }

        return null;
    }
}
