namespace AgentExec.Core.Commands;

/// <summary>
/// Walks parsed scripts and turns every simple command into a classified <see cref="CommandPart"/>,
/// descending into substitutions, nested shell scripts and <c>find -exec</c> commands one depth further.
/// </summary>
internal sealed class PartCollector(ParseState state)
{
    private readonly List<CommandPart> parts = [];

    /// <summary>The parts found so far, in source order, nested ones after the command containing them.</summary>
    public IReadOnlyList<CommandPart> Parts => parts;

    /// <summary>Adds the parts of <paramref name="script"/>, found at <paramref name="depth"/>.</summary>
    public void AddScript(ParsedScript script, int depth)
    {
        if (!WithinDepth(depth))
        {
            return;
        }

        foreach (var word in script.LooseWords)
        {
            AddSubstitutions(word, depth + 1);
        }

        foreach (var redirection in script.LooseRedirections)
        {
            AddSubstitutions(redirection, depth + 1);
        }

        foreach (var command in script.Commands)
        {
            AddCommand(command, depth, runByFind: false);
        }
    }

    private void AddCommand(SimpleCommand command, int depth, bool runByFind)
    {
        if (!WithinDepth(depth))
        {
            return;
        }

        var normalized = CommandNormalizer.Normalize(command);
        var nested = NestedScripts.RunsCode(normalized.Program) ? NestedScripts.Inspect(normalized) : null;
        if (normalized.UnknownReason is { } unknown)
        {
            state.MarkUnknown(unknown);
        }

        if (nested?.UnknownReason is { } nestedUnknown)
        {
            state.MarkUnknown(nestedUnknown);
        }

        var verdict = CommandClassifier.Classify(normalized, nested);
        parts.Add(new CommandPart(
            command.Text,
            normalized.Program,
            [.. normalized.Arguments.Select(argument => argument.Value)],
            [.. normalized.Wrappers],
            verdict.Safety,
            verdict.Reason,
            depth)
        {
            ProgramIsFixed = !normalized.ProgramIsComputed,
            ProgramIsBareName = !normalized.ProgramGivenByPath && !normalized.RunsFileOutsideSystemDirectories,
            FixedArguments = [.. normalized.Arguments.Select(argument => argument.IsStatic)],
            IsUnderstood = normalized.UnknownReason is null && nested?.UnknownReason is null,
            TakesArgumentsFromInput = normalized.ReadsArgumentsFromInput,
            RunByFind = runByFind,
        });

        foreach (var word in command.Assignments.Concat(command.Words))
        {
            AddSubstitutions(word, depth + 1);
        }

        foreach (var redirection in command.Redirections)
        {
            AddSubstitutions(redirection, depth + 1);
        }

        if (nested?.Script is { } script && WithinDepth(depth + 1))
        {
            state.Saw(normalized.Program == "eval" ? "eval" : "nested shell");
            AddScript(ShellParser.ParseScript(script, state), depth + 1);
        }

        if (normalized.Program == "find")
        {
            foreach (var executed in FindCommand.ExecutedCommands(normalized.Args))
            {
                state.Saw("find -exec");
                AddCommand(SimpleCommand.OfWords(executed), depth + 1, runByFind: true);
            }
        }
    }

    private void AddSubstitutions(ShellWord word, int depth)
    {
        foreach (var substitution in word.Substitutions)
        {
            AddScript(substitution, depth);
        }
    }

    private void AddSubstitutions(Redirection redirection, int depth)
    {
        AddSubstitutions(redirection.Target, depth);
        if (redirection.Heredoc?.Expanded is { } body)
        {
            AddSubstitutions(body, depth);
        }
    }

    private bool WithinDepth(int depth)
    {
        if (depth <= CommandAnalyzer.MaxNestingDepth)
        {
            return true;
        }

        state.MarkUnknown($"nested more than {CommandAnalyzer.MaxNestingDepth} levels deep");
        return false;
    }
}
