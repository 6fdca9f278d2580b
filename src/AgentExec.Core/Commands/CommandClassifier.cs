namespace AgentExec.Core.Commands;

/// <summary>
/// Finds what is dangerous in one normalised simple command (SPEC.md "Policy", step 3): what the program does with
/// these arguments, what its wrappers add, and redirections that write to disk devices.
/// </summary>
/// <remarks>
/// It never makes a part known-safe: a verdict other than dangerous only says "not dangerous", and
/// <see cref="KnownSafeProof"/> alone decides between known-safe and ordinary.
/// </remarks>
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
            return Verdict.Ordinary(command.SetsVariables ? "variable assignment" : "redirections only");
        }

        return command.Program switch
        {
            "git" => GitCommand.Classify(command.Args),
            "find" => FindCommand.Classify(command.Args),
            _ => DangerousPrograms.Check(command.Program, command.Args)
                ?? Verdict.Ordinary("not a known read-only program"),
        };
    }
}
