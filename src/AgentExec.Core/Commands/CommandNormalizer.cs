namespace AgentExec.Core.Commands;

/// <summary>
/// Turns a parsed simple command into the program that really runs (SPEC.md "Policy", step 2): the
/// path reduced to a name and the wrappers unwrapped, noting what cannot be accounted for.
/// </summary>
internal static class CommandNormalizer
{
    // Deeper than any honest chain of wrappers; a guard, not a policy.
    private const int MaxWrappers = 16;

    private static readonly HashSet<string> ReservedWords =
        ["if", "then", "elif", "else", "fi", "do", "done", "case", "esac", "while", "until", "for", "select", "function", "in", "{", "}", "[[", "]]", "!", "coproc"];

    /// <summary>Normalises <paramref name="command"/>.</summary>
    public static NormalizedCommand Normalize(SimpleCommand command)
    {
        var words = command.Words;
        if (words.Count == 0)
        {
            return new NormalizedCommand(command, string.Empty, [], []) { SetsVariables = command.Assignments.Count > 0 };
        }

        var wrappers = new List<string>();
        var setsVariables = command.Assignments.Count > 0;
        var changesDirectory = false;
        var changesEnvironment = false;
        var outsideSystem = false;
        var readsArguments = false;
        Verdict? imposed = null;
        string? unknown = null;
        var computed = false;
        var givenByPath = false;
        string program;
        while (true)
        {
            var programWord = words[0];
            if (!programWord.IsStatic)
            {
                program = programWord.Source;
                unknown = "the program name is computed at run time";
                computed = true;
                break;
            }

            (program, var outside) = ProgramName.Parse(programWord.Value);
            givenByPath = programWord.Value.Contains('/', StringComparison.Ordinal);
            outsideSystem |= outside;
            if (wrappers.Count == MaxWrappers && CommandWrappers.IsWrapper(program))
            {
                unknown = "too many wrappers to follow";
                break;
            }

            var unwrapping = CommandWrappers.TryUnwrap(program, words);
            if (unwrapping is null)
            {
                break;
            }

            if (unwrapping.Problem is not null)
            {
                unknown = unwrapping.Problem;
                break;
            }

            wrappers.Add(program);
            setsVariables |= unwrapping.SetsVariables;
            changesDirectory |= unwrapping.ChangesDirectory;
            changesEnvironment |= unwrapping.ChangesEnvironment;
            readsArguments |= unwrapping.AppendsArgumentsFromInput;
            if (unwrapping.Imposed is { } verdict)
            {
                imposed = imposed is { } earlier ? earlier.Or(verdict) : verdict;
            }

            words = unwrapping.Inner;
        }

        var arguments = words.Skip(1).ToList();
        unknown ??= OpaqueReason(program, arguments);
        return new NormalizedCommand(command, program, arguments, wrappers)
        {
            SetsVariables = setsVariables,
            WrapperChangesDirectory = changesDirectory,
            WrapperChangesEnvironment = changesEnvironment,
            ProgramIsComputed = computed,
            ProgramGivenByPath = givenByPath,
            RunsFileOutsideSystemDirectories = outsideSystem,
            ReadsArgumentsFromInput = readsArguments,
            ImposedByWrappers = imposed,
            UnknownReason = unknown,
        };
    }

    // Commands whose effect depends on text this analysis cannot see, or that change what later commands mean.
    private static string? OpaqueReason(string program, IReadOnlyList<ShellWord> arguments) => program switch
    {
        "eval" => "eval runs a string as code",
        "source" or "." => "source runs a script in the current shell",
        "trap" => "trap stores code to run later",
        "fc" => "fc runs commands from the history",
        "alias" => "alias changes what later commands run",
        "enable" => "enable changes the shell's builtins",
        "hash" when View(arguments).HasShortFlag('p') => "hash -p changes which file a name runs",
        "mapfile" or "readarray" when View(arguments).HasShortFlag('C') => $"{program} -C runs a callback",
        _ when ReservedWords.Contains(program) => $"the reserved word '{program}' is used as a command",
        _ => null,
    };

    // The view of the arguments, made only for the programs whose flags are read above.
    private static ArgumentView View(IReadOnlyList<ShellWord> arguments) => new(arguments, readsMoreFromInput: false);
}
