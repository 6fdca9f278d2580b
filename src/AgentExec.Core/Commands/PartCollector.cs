namespace AgentExec.Core.Commands;

/// <summary>
/// Walks parsed scripts and turns every simple command into a classified <see cref="CommandPart"/>,
/// descending into substitutions, nested shell scripts and <c>find -exec</c> commands one depth further.
/// </summary>
internal sealed class PartCollector(ParseState state, AnalysisContext context, WorkingDirectories? startingDirectories = null, AnalysisLookups? sharedLookups = null)
{
    private readonly List<CommandPart> parts = [];

    // What the disk said during this analysis, each thing asked once (a collector lives for one Analyze call; a second
    // reading of the same line takes the first one's answers).
    private readonly AnalysisLookups lookups = sharedLookups ?? new();
    private readonly WorkingDirectories directories = startingDirectories ?? new(context.WorkingDirectory, context.HomeDirectory);

    /// <summary>The parts found so far, in source order, nested ones after the command containing them.</summary>
    public IReadOnlyList<CommandPart> Parts => parts;

    /// <summary>What the disk said during this reading, for a second reading of the same line to take over.</summary>
    public AnalysisLookups Lookups => lookups;

    /// <summary>Where the parts read so far may run, and what they may have changed for the parts after them.</summary>
    public WorkingDirectories Directories => directories;

    /// <summary>
    /// Why a word outside any command (<c>[[ ${a[x]} ]]</c>, <c>case $((…)) in</c>, <c>for i in ${a[x]}</c>) may assign a
    /// variable as bash expands it, or null. Such words have no place among the parts, so they count for the whole line.
    /// </summary>
    public string? LooseEvaluation { get; private set; }

    /// <summary>Adds the parts of <paramref name="script"/>, found at <paramref name="depth"/>.</summary>
    public void AddScript(ParsedScript script, int depth) => AddScript(script, depth, ProofScope.Line);

    private void AddScript(ParsedScript script, int depth, ProofScope scope)
    {
        if (!WithinDepth(depth))
        {
            return;
        }

        foreach (var word in script.LooseWords)
        {
            NoteLooseEvaluation(word);
            AddSubstitutions(word, depth + 1, scope);
        }

        foreach (var redirection in script.LooseRedirections)
        {
            NoteLooseEvaluation(redirection.Target);
            AddSubstitutions(redirection, depth + 1, scope);
        }

        foreach (var command in script.Commands)
        {
            AddCommand(command, depth, scope, runByFind: false);
        }
    }

    private void NoteLooseEvaluation(ShellWord word)
    {
        if (WorkingDirectories.MayAssign(word, word.Source))
        {
            LooseEvaluation ??= $"`{word.Source}`, which may assign a variable (HOME, CDPATH) as bash expands it";
        }
    }

    private void AddCommand(SimpleCommand command, int depth, ProofScope scope, bool runByFind)
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

        var verdict = Prove(normalized, nested, CommandClassifier.Classify(normalized, nested), scope);
        var part = new CommandPart(
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
            // An earlier cd (or HOME or shopt) in the line changes where and how it runs as much as env -C does: the
            // project whose scripts npm test runs, the repository git log reads (found by a review: cd /tmp/other &&
            // npm test was allowed by ["npm","test"] while env -C /tmp/other npm test asked).
            RunsUnchangedBySurroundings = normalized.SurroundingsChangeHowItRuns is null && !directories.Changed,
            TakesArgumentsFromInput = normalized.ReadsArgumentsFromInput,
            RunByFind = runByFind,
        };

        // A script read with two grammars mostly finds the same commands twice; list each once.
        if (scope.Dialect == ShellDialect.Bash || !parts.Any(seen => IsSameReading(seen, part)))
        {
            parts.Add(part);
        }

        foreach (var word in command.Assignments.Concat(command.Words))
        {
            AddSubstitutions(word, depth + 1, scope);
        }

        foreach (var redirection in command.Redirections)
        {
            AddSubstitutions(redirection, depth + 1, scope);
        }

        if (nested?.Script is { } script && WithinDepth(depth + 1))
        {
            state.Saw(normalized.Program == "eval" ? "eval" : "nested shell");
            foreach (var dialect in nested.Readings)
            {
                var inner = new ProofScope(
                    dialect,
                    scope.Refusal ?? KnownSafeProof.RefuteNestedScript(nested, context, lookups.Links) ?? (normalized.Program == "eval" ? "eval runs a string as code" : null));
                AddScript(ShellParser.ParseScript(script, state, dialect), depth + 1, inner);
            }
        }

        if (normalized.Program == "find")
        {
            foreach (var executed in FindCommand.ExecutedCommands(normalized.Args))
            {
                state.Saw("find -exec");
                AddCommand(SimpleCommand.OfWords(executed), depth + 1, scope, runByFind: true);
            }
        }
    }

    // The built-in verdict after the proof (SPEC.md step 3a): only a proven part is known-safe, a dangerous one
    // stays dangerous, and a part that could read a credential is dangerous when the sandbox cannot hide it.
    private Verdict Prove(NormalizedCommand normalized, NestedScriptRun? nested, Verdict classified, ProofScope scope)
    {
        // The proof alone says what is known-safe; the classifier's word counts only when it finds danger.
        var proven = classified;
        if (classified.Safety != CommandSafety.Dangerous)
        {
            var refusal = KnownSafeProof.Refute(normalized, nested, scope, directories, context, lookups);
            proven = refusal is null ? Verdict.Safe(ProvenReason(normalized, nested)) : Verdict.Ordinary(refusal);
        }

        var followsCd = normalized.Program == "cd" && normalized.Command.Assignments.Count == 0;
        if (followsCd)
        {
            directories.Follow(normalized.Arguments, lookups.Links);
        }

        if (proven.Safety != CommandSafety.Dangerous && KnownSafeProof.CredentialRead(normalized, directories, context, lookups, argumentsAreCode: nested?.Script is not null) is { } credential)
        {
            proven = credential.IsEndlessDevice
                ? Verdict.Ordinary($"reads {credential.Location}, a device that never ends (fed to sort or tac it would spill to temporary files without end)")
                : credential.IsRepositoryCopy
                ? Verdict.Dangerous($"could read the committed or staged copy of the credential location {credential.Location}, which no sandbox hides")
                : context.CredentialsHidden
                ? Verdict.Ordinary($"could read the credential location {credential.Location}")
                : Verdict.Dangerous($"could read the credential location {credential.Location}, which this sandbox cannot hide");
        }

        if (!followsCd && proven.Safety != CommandSafety.KnownSafe)
        {
            // For the parts after this one: it may have moved the shell (pushd, CDPATH=…, a DEBUG trap).
            directories.AfterUnprovenPart(normalized);
        }

        return proven;
    }

    private static string ProvenReason(NormalizedCommand normalized, NestedScriptRun? nested) =>
        nested is not null ? "runs a nested bash script, judged by its own commands"
        : normalized.Program.Length == 0 ? "redirections only"
        : normalized.Program == "git" ? "read-only git command, in a repository whose configuration names no program"
        : "read-only command";

    private static bool IsSameReading(CommandPart seen, CommandPart part) =>
        seen.Depth == part.Depth && seen.Safety == part.Safety && seen.Text == part.Text && seen.Program == part.Program
        && seen.Arguments.SequenceEqual(part.Arguments) && seen.Reason == part.Reason
        && seen.ProgramIsFixed == part.ProgramIsFixed && seen.FixedArguments.SequenceEqual(part.FixedArguments);

    private void AddSubstitutions(ShellWord word, int depth, ProofScope scope)
    {
        foreach (var substitution in word.Substitutions)
        {
            AddScript(substitution, depth, scope);
        }
    }

    private void AddSubstitutions(Redirection redirection, int depth, ProofScope scope)
    {
        AddSubstitutions(redirection.Target, depth, scope);
        if (redirection.Heredoc?.Expanded is { } body)
        {
            AddSubstitutions(body, depth, scope);
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
