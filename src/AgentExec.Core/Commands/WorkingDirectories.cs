using AgentExec.Core.Credentials;

namespace AgentExec.Core.Commands;

/// <summary>
/// Every directory a part of the line may run in, following its <c>cd</c> commands (SPEC.md "Policy", step 3a:
/// what follows a <c>cd</c> is judged from that directory).
/// </summary>
/// <remarks>
/// A superset, never a guess: a <c>cd</c> may fail (<c>cd a; cat b</c> then reads <c>b</c> where the line started),
/// or sit in a subshell whose end restores the directory, so each <c>cd</c> adds a candidate and removes none.
/// Paths, credentials and the repository git selects are checked against every candidate.
/// </remarks>
internal sealed class WorkingDirectories(string start, string? home)
{
    // A line with dozens of cd commands is not a usual read; past this the later parts are simply not proven.
    private const int MaxCandidates = 16;

    private readonly List<string> candidates = [start];

    /// <summary>The directories a part may run in.</summary>
    public IReadOnlyList<string> Candidates => candidates;

    /// <summary>Why the directory is no longer known (a <c>cd</c> to a computed place), or null.</summary>
    public string? LostBecause { get; private set; }

    /// <summary>Why <c>~</c> may no longer be the home the check knows (an earlier part may have set <c>HOME</c>), or null.</summary>
    public string? HomeLostBecause { get; private set; }

    /// <summary>Why a pattern may no longer match as bash's defaults say (an earlier <c>shopt</c>, <c>set</c> or <c>GLOBIGNORE</c>), or null.</summary>
    public string? PatternsLostBecause { get; private set; }

    /// <summary>
    /// A fresh start for a second reading of a line whose parts do not run in the order they are written (a loop body
    /// runs again after its last part, a function body wherever it is called): every directory the first reading
    /// reached and everything it lost hold from the first part on, and so does <paramref name="evaluates"/> (an
    /// arithmetic command or an evaluating word outside any command, which may set HOME or CDPATH).
    /// </summary>
    public WorkingDirectories ForSecondReading(string? evaluates)
    {
        var seeded = new WorkingDirectories(candidates[0], home);
        seeded.candidates.AddRange(candidates.Skip(1));
        seeded.LostBecause = LostBecause ?? evaluates;
        seeded.HomeLostBecause = HomeLostBecause ?? evaluates;
        seeded.PatternsLostBecause = PatternsLostBecause;
        return seeded;
    }

    /// <summary>Whether this reading changed anything a later part is judged by (a directory, HOME, patterns).</summary>
    public bool Changed => candidates.Count > 1 || LostBecause is not null || HomeLostBecause is not null || PatternsLostBecause is not null;

    /// <summary>Follows a <c>cd</c> with the literal <paramref name="arguments"/>, links resolved by <paramref name="links"/>; returns why it is not a plain change of directory, or null.</summary>
    public string? Follow(IReadOnlyList<ShellWord> arguments, LinkResolver links)
    {
        if (arguments.Any(argument => !argument.IsStatic))
        {
            return Lose("cd to a directory computed at run time");
        }

        var words = arguments.Select(argument => argument.Value).SkipWhile(value => value is "-L" or "-P").ToList();
        if (words.Count > 0 && words[0] == "--")
        {
            words.RemoveAt(0);
        }

        if (words.Count > 1 || (words.Count == 1 && (words[0] == "-" || (words[0].StartsWith('-') && words[0].Length > 1))))
        {
            return Lose("cd with options or a directory that is not literal");
        }

        var target = words.Count == 0 ? home : words[0];
        if (string.IsNullOrEmpty(target))
        {
            return Lose("cd to a home directory that is not set");
        }

        foreach (var from in candidates.ToArray())
        {
            // bash's cd is logical ("lnk/.." is the directory holding lnk), but the process then runs where the
            // kernel put it: both are candidates.
            var joined = Path.IsPathRooted(target) ? target : Path.Join(from, target);
            foreach (var next in new[] { Path.GetFullPath(joined), Physical(joined, links) })
            {
                if (!candidates.Contains(next))
                {
                    candidates.Add(next);
                }
            }
        }

        return candidates.Count > MaxCandidates ? Lose("too many cd commands to follow") : null;
    }

    /// <summary>The path with its links resolved and then its <c>..</c> applied, as the kernel reads it.</summary>
    public static string Physical(string path, LinkResolver links) =>
        links.TryResolve(Path.IsPathFullyQualified(path) ? path : Path.GetFullPath(path), out var real, out _) ? real : Path.GetFullPath(path);

    /// <summary>
    /// After a part the proof did not prove, loses the directory when that part ran in the shell itself and could have
    /// moved it or changed what a later <c>cd</c> means (an attack read <c>~/.netrc</c> with <c>pushd ~; cat .netrc</c>;
    /// <c>CDPATH=…</c>, a <c>DEBUG</c> trap and <c>shopt -s cdable_vars</c> did the same). A program outside the shell
    /// cannot move the shell's directory.
    /// </summary>
    public void AfterUnprovenPart(NormalizedCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (MayMoveTheShell(command) is { } why)
        {
            Lose(why);
        }

        // HOME=/; cd; cat tmp/h/.netrc and export HOME=/; cat ~/tmp/h/.netrc (found by an attack): "cd" and "~" go
        // wherever the line set HOME. shopt -s dotglob or nocaseglob, GLOBIGNORE and set change what a pattern matches.
        if (MaySet(command, "HOME"))
        {
            HomeLostBecause ??= $"{Describe(command)} that may set HOME";
            Lose($"{Describe(command)} that may set HOME (a bare cd goes there)");
        }

        if (command.Program is "shopt" or "set" || MaySet(command, "GLOBIGNORE"))
        {
            PatternsLostBecause ??= $"{Describe(command)} that may change how patterns match";
        }
    }

    // ": $((HOME=x))", "${HOME:=x}", "a[HOME=x]=1" (found by an attack): arithmetic and ${…:=…} assign any variable they
    // name, wherever they stand in the part.
    private static bool AssignsByExpansion(NormalizedCommand command)
    {
        return command.Arguments.Any(word => MayAssign(word, word.Source))
            || command.Command.AllRedirections.Any(redirection => MayAssign(redirection.Target, redirection.Target.Source)
                || (redirection.Heredoc?.Expanded is { } body && MayAssign(body, body.Source)))
            || command.Command.Assignments.Any(assignment =>
                assignment.Source.IndexOf('=', StringComparison.Ordinal) is var equals
                && ((assignment.Source.IndexOf('[', StringComparison.Ordinal) is > 0 and var bracket && bracket < equals)
                    || IsCompoundWithSubscript(assignment.Source[(equals + 1)..])
                    || MayAssign(assignment, assignment.Source[(equals + 1)..])));
    }

    /// <summary>
    /// Whether the word may assign a variable when bash expands it: an arithmetic or evaluating expansion whose text
    /// holds an assignment operator ("=", "+=", "++", "--", ":="); i=$((i+1)) assigns i, which its own name says.
    /// </summary>
    /// <remarks>
    /// Not followed: bash evaluates a name's value as arithmetic again, so after x='HOME=5' a bare $((x)) sets HOME.
    /// Like any value computed at run time (cat "$f"), that is beyond what the check reads; under bubblewrap the
    /// credentials are hidden whatever HOME says (docs/landlock.md).
    /// </remarks>
    public static bool MayAssign(ShellWord word, string text) =>
        (word.Traits & (WordTraits.Arithmetic | WordTraits.EvaluatingExpansion)) != 0
        && (text.Contains('=', StringComparison.Ordinal) || text.Contains("++", StringComparison.Ordinal) || text.Contains("--", StringComparison.Ordinal));

    // a=([x]=1): an indexed array's subscripts are arithmetic, evaluated as the array is built.
    private static bool IsCompoundWithSubscript(string value) =>
        value.StartsWith('(') && value.Contains('[', StringComparison.Ordinal);

    private static string Describe(NormalizedCommand command) => command.Program.Length == 0 ? "an assignment" : command.Program;

    // Whether the part may set the variable: an assignment before it or alone, arithmetic or ${…:=…} anywhere in it, a
    // builtin that runs code or sets variables naming it (or naming one it cannot see, or by a name reference), or a
    // command whose name is computed.
    // let evaluates its arguments, and the names they hold, as arithmetic: "let x" with x='HOME=5' sets HOME. An argument
    // with a subscript (printf -v 'a[HOME=1]', read 'a[…]') evaluates it; declare -i makes every later assignment to
    // its names arithmetic and -n makes them references (found by an attack).
    private static bool MaySet(NormalizedCommand command, string variable) =>
        command.ProgramIsComputed
        || AssignsByExpansion(command)
        || command.Command.Assignments.Any(assignment => Names(assignment.Source, variable))
        || Moving.Contains(command.Program)
        || command.Program == "let"
        || (Assigning.Contains(command.Program)
            && command.Arguments.Any(argument => !argument.IsStatic || Names(argument.Value, variable)
                || argument.Value.Contains('[', StringComparison.Ordinal)
                || (argument.Value.StartsWith('-') && argument.Value.AsSpan(1).IndexOfAny('n', 'i') >= 0)));

    private string Lose(string reason) => LostBecause ??= reason;

    // The builtins that move the directory or run code in the shell itself, which may move it.
    private static readonly HashSet<string> Moving = new(StringComparer.Ordinal)
    {
        "pushd", "popd", "source", ".", "eval", "trap", "enable", "builtin", "command", "exec", "alias", "hash",
    };

    // The builtins that set variables: one of them may set CDPATH, along which a later "cd h" looks.
    private static readonly HashSet<string> Assigning = new(StringComparer.Ordinal)
    {
        "declare", "typeset", "export", "local", "readonly", "read", "mapfile", "readarray", "getopts", "let", "printf",
        "unset", "wait",
    };

    private const string CdPath = "CDPATH";

    // One rule for every variable that changes where a later part reads (MaySet); CDPATH is cd's, and set and shopt
    // change what cd and assignments do.
    private static string? MayMoveTheShell(NormalizedCommand command)
    {
        if (command.Program == "cd" && command.Command.Assignments.Count > 0)
        {
            return "cd with an assignment before it (CDPATH=… cd h looks along it)";
        }

        if (Moving.Contains(command.Program))
        {
            return $"{command.Program}, which may move the shell's directory";
        }

        if (MaySet(command, CdPath))
        {
            return $"{Describe(command)} that may set CDPATH (a later cd looks along it)";
        }

        var arguments = command.Arguments;
        return command.Program switch
        {
            "set" when arguments.Any(argument => !argument.IsStatic || argument.Value.Contains("posix", StringComparison.Ordinal)) =>
                "set that may turn on POSIX mode (assignments before builtins then stay, CDPATH among them)",
            "shopt" when arguments.Any(argument => !argument.IsStatic || argument.Value.Contains("cdable", StringComparison.Ordinal)) =>
                "shopt that may let cd take a variable's value for a directory (cdable_vars)",
            _ => null,
        };
    }

    /// <summary>Whether a loop variable (for NAME in …, select NAME in …) or any word that names a variable names one that changes where a later part reads.</summary>
    public static bool NamesWhatMovesTheShell(string name) =>
        Names(name, "HOME") || Names(name, CdPath) || Names(name, "GLOBIGNORE");

    // NAME=…, NAME+=…, NAME[…]=… and a bare NAME (read NAME, export NAME): what it holds from then on is unknown.
    private static bool Names(string word, string variable) =>
        word.StartsWith(variable, StringComparison.Ordinal)
        && (word.Length == variable.Length || word[variable.Length] is '=' or '+' or '[');
}
