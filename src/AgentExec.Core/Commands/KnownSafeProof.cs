using System.Text.RegularExpressions;
using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;

namespace AgentExec.Core.Commands;

/// <summary>
/// The proof that one simple command is known-safe (SPEC.md "Policy", step 3a): the one place that says which
/// words, redirections, programs, wrappers, joins and contexts qualify. A part is known-safe only when every
/// condition below holds; the first that does not is the reason it is not.
/// </summary>
/// <remarks>
/// <para>It is positive on purpose: it never looks for dangers, it accepts what it fully understands.</para>
/// <list type="number">
/// <item>The part stands in a bash script whose options are on the allow-list, in a line whose joins are
/// <c>|</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>;</c>, newlines, subshells and groups (<see cref="ProofScope"/>,
/// <see cref="RefuteLine"/>).</item>
/// <item>No variable is assigned before it or by a wrapper; nothing about it is unknown to the reading.</item>
/// <item>Every word is fixed before bash runs it; only a reader (<see cref="KnownSafePrograms.Readers"/>) may take
/// pathname patterns and <c>~</c>.</item>
/// <item>Wrappers are only <c>command</c>, <c>nice</c>, <c>timeout</c>, <c>time -p</c> and <c>env</c> without options,
/// each with options from its own list.</item>
/// <item>The program is a bare name: a builtin on the list, or a file that <c>PATH</c> finds with no entry on the
/// way that is relative, empty or writable by the agent.</item>
/// <item>Its arguments are on its allow-list (<see cref="KnownSafePrograms.Refute"/>).</item>
/// <item>Redirections only to or from <c>/dev/null</c>, descriptor copies, input from a literal path that is not a
/// network pseudo-device, a fixed here-document or here-string.</item>
/// <item>git inspection runs in repositories whose configuration names no program (<see cref="GitRepositoryConfig"/>).</item>
/// </list>
/// <para>Credential reads are judged apart (<see cref="CredentialRead"/>), for every part, known-safe or not.</para>
/// </remarks>
internal static partial class KnownSafeProof
{
    // The constructs a known-safe line may contain (ParseState's names); anything else — "&", "|&", "!",
    // substitutions, loops, functions, "time" as a keyword — refutes every part of the line.
    private static readonly HashSet<string> LineConstructs =
        ["&&", "||", ";", "|", "newline", "subshell", "brace group", "redirection", "here-string", "heredoc", "nested shell"];

    /// <summary>Why the line's joins keep all of its parts from being known-safe, or null.</summary>
    public static string? RefuteLine(IReadOnlyList<string> constructs) =>
        constructs.FirstOrDefault(construct => !LineConstructs.Contains(construct)) is { } other
            ? $"the line uses {other}, which a known-safe line may not"
            : null;

    /// <summary>Why <paramref name="command"/> is not known-safe in <paramref name="scope"/>, or null when it is proven.</summary>
    public static string? Refute(NormalizedCommand command, NestedScriptRun? nested, ProofScope scope, WorkingDirectories directories, AnalysisContext context, AnalysisLookups lookups)
    {
        if (scope.Refusal is { } outer)
        {
            return outer;
        }

        if (directories.LostBecause is { } lost)
        {
            return $"follows a {lost}";
        }

        var parsed = command.Command;
        if (parsed.Assignments.Count > 0 || command.SetsVariables)
        {
            return "a variable is assigned for the command";
        }

        if (command.UnknownReason is { } unknown)
        {
            return unknown;
        }

        if (command.ProgramIsComputed || command.ReadsArgumentsFromInput)
        {
            return command.ProgramIsComputed ? "the program name is computed at run time" : "its arguments are read from its input";
        }

        var isReader = KnownSafePrograms.IsReader(command.Program);
        var programIndex = parsed.Words.Count - command.Arguments.Count - 1;
        if (RefuteWords(parsed.Words, isReader, programIndex) is { } wordRefusal)
        {
            return wordRefusal;
        }

        if (RefuteRedirections(parsed) is { } redirectionRefusal)
        {
            return redirectionRefusal;
        }

        if (parsed.Words.Count == 0)
        {
            // Redirections alone: bash still opens each input itself ("< ff" waited on a FIFO without end, found by an attack).
            return RefuteStreamInput(command, directories, context, lookups);
        }

        if (RefuteWrappers(parsed.Words, programIndex) is { } wrapperRefusal)
        {
            return wrapperRefusal;
        }

        var programWord = parsed.Words[programIndex].Value;
        if (nested is not null && command.Program != "bash")
        {
            return nested.ProofRefusal ?? $"{command.Program} runs code the proof does not read";
        }

        if (!KnownSafePrograms.IsListed(command.Program) && nested is null)
        {
            return $"{command.Program} is not on the known-safe list";
        }

        if (RefuteProgramPaths(parsed.Words, programIndex, context, lookups) is { } pathRefusal)
        {
            return pathRefusal;
        }

        if (RefuteStreamInput(command, directories, context, lookups) is { } streamRefusal)
        {
            return streamRefusal;
        }

        if (RefuteHomeLibrary(command.Program, context) is { } libraryRefusal)
        {
            return libraryRefusal;
        }

        if (isReader)
        {
            return RefuteReader(command, directories, context, lookups);
        }

        if (nested is not null)
        {
            // bash -c SCRIPT: the carrier is proven when its script is a bash script with allowed options; the
            // script's own parts are proven one by one.
            return nested.Script is not null ? RefuteNestedScript(nested, context, lookups.Links) : "bash runs a script the proof does not read";
        }

        if (command.Program == "cd")
        {
            return null;
        }

        var arguments = command.Arguments.Select(argument => argument.Value).ToList();
        return command.Program switch
        {
            "git" => RefuteGit(command.GitInvocation, directories, context, lookups),
            "diff" => KnownSafePrograms.Refute(command.Program, arguments)
                // Every word, options too: an operand after "--" may begin with "-" (an attack planted a link "-d" to
                // the home and ran diff -- -d .netrc), and a directory named like an option is merely refused.
                ?? RefuteDirectoryOperands("diff", arguments, directories.Candidates, outsideRootsToo: false, context, lookups),
            "sort" or "tac" => KnownSafePrograms.Refute(command.Program, arguments)
                ?? RefuteSpilledInput(command.Program, KnownSafePrograms.Operands(command.Program, arguments), directories),
            _ => KnownSafePrograms.Refute(command.Program, arguments),
        };
    }

    // A FIFO or a socket, named by a word the program opens (an argument, an attached value) or by an input redirection
    // (bash opens it before the program starts, whatever the program), waits for a writer that may never come: "mkfifo ff;
    // cat ff" and a dozen other readers hung until the call's timeout (found by an attack). The words are the credential
    // check's spellings, from every directory the part may run in, resolved by the same look-ups (one statx(2) more per
    // existing path at most). A pathname pattern that could match a FIFO is left alone: expanding every pattern again for
    // this would cost more than the call's timeout, which bounds such a wait, saves.
    private static string? RefuteStreamInput(NormalizedCommand command, WorkingDirectories directories, AnalysisContext context, AnalysisLookups lookups)
    {
        var inputs = command.Command.AllRedirections
            .Where(redirection => redirection.Operator == "<" && redirection.Heredoc is null && !redirection.IsHereString && !redirection.IsDuplication)
            .Select(redirection => redirection.Target);
        var words = KnownSafePrograms.OperandsNotOpened.Contains(command.Program) ? inputs : command.Arguments.Concat(inputs);
        // git opens some option values from the top of the work tree whatever the directory ("git blame -S ff f" in a
        // subdirectory waited on a FIFO ff at the top, found by an attack): the credential check's directories.
        var candidates = PathDirectories(command, directories, context, lookups);
        foreach (var word in words)
        {
            foreach (var spelling in PathSpellings(word, context.HomeDirectory, readsRepositoryCopies: false))
            {
                if (spelling.IsPattern || !KernelCanResolve(spelling.Path))
                {
                    continue;
                }

                foreach (var directory in candidates)
                {
                    var path = Path.IsPathRooted(spelling.Path) ? spelling.Path : Path.Join(directory, spelling.Path);
                    if (lookups.Links.IsFifoOrSocket(path))
                    {
                        // With no program, bash itself opens the redirection and waits.
                        var who = command.Program.Length == 0 ? "bash" : command.Program;
                        return $"{who} would wait on {word.Source}, a FIFO or a socket, for a writer that may never come";
                    }
                }
            }
        }

        return null;
    }

    // sort spills what does not fit in memory to temporary files, and tac copies an input it cannot seek to one: from a
    // device that input never ends (sort /dev/urandom left 583 MB in /tmp after a 4 s timeout, found by an attack). A
    // named operand must be a regular file, bounded by what is already on disk. Its standard input (SPEC.md keeps
    // "… | sort" known-safe) is bounded where the line's other parts are: the endless devices are not plain reads
    // (CredentialList), nor is tail's following; docs/known-safe.md says what remains.
    private static string? RefuteSpilledInput(string program, IReadOnlyList<string> operands, WorkingDirectories directories)
    {
        foreach (var operand in operands.Where(operand => operand != "-"))
        {
            foreach (var directory in directories.Candidates)
            {
                var path = Path.IsPathRooted(operand) ? operand : Path.Join(directory, operand);
                // Whether it exists is asked where the kernel finds it, as IsRegularFile does (".." after a link).
                if ((!RealPath.TryResolve(path, out _, out var exists) || exists) && !IsRegularFile(path))
                {
                    return $"{program} of {operand}, which is not a regular file, may spill an input that never ends to temporary files";
                }
            }
        }

        return null;
    }

    // A regular file outside /proc and /sys: the kernel's files there say "regular, size 0" and may never end.
    private static bool IsRegularFile(string path)
    {
        try
        {
            return RealPath.TryResolve(path, out var real, out var exists) && exists && UnixFileStatus.OfPath(real).IsRegularFile
                && !RealPath.IsSameOrInside(real, "/proc") && !RealPath.IsSameOrInside(real, "/sys");
        }
        catch (IOException)
        {
            return false;
        }
    }

    // git's command line read once (GitInspection, as KnownSafePrograms' entry for git reads it), then what it leads
    // to from every directory git may run in: a diff of two paths, and the repositories' configuration.
    private static string? RefuteGit(GitInvocation invocation, WorkingDirectories directories, AnalysisContext context, AnalysisLookups lookups)
    {
        if (invocation.Refusal is { } refusal)
        {
            return refusal;
        }

        var gitDirectories = GitDirectories(invocation.Directories, directories, context, lookups).ToList();
        return (invocation is { Subcommand: "diff", Operands.Count: 2 }
                ? RefuteDirectoryOperands("git diff", invocation.Operands, gitDirectories, outsideRootsToo: true, context, lookups)
                : null)
            ?? RefuteRepositories(gitDirectories, context, lookups);
    }

    // diff given a directory reads files the line does not name: DIR FILE compares DIR/<FILE's name>, two directories
    // compare the files in them, through links (attacks read ~/.netrc with "diff ~ .netrc" and through a link with
    // "diff d1 d2"). git diff with two paths, outside a repository or when one lies outside its work tree, does the
    // same (git diff --no-index, which takes exactly two paths; one operand is a pathspec in the repository): there any
    // existing directory, and any path outside the writable roots (outsideRootsToo), is refused.
    private static string? RefuteDirectoryOperands(string program, IEnumerable<string> operands, IReadOnlyList<string> starts, bool outsideRootsToo, AnalysisContext context, AnalysisLookups lookups)
    {
        foreach (var operand in operands)
        {
            var expanded = WithHome(operand, context.HomeDirectory);
            foreach (var start in starts)
            {
                var path = Path.IsPathRooted(expanded) ? expanded : Path.Join(start, expanded);
                // Looked up where the kernel finds it: "h/../home" with h a link to the home is the home (diff h/../home
                // .netrc printed ~/.netrc, found by an attack), where Directory.Exists takes ".." away from the written
                // path first.
                if (!RealPath.TryResolve(path, out var real, out var exists))
                {
                    return $"{program} of {operand}, which cannot be resolved, may be a directory";
                }

                if (exists && Directory.Exists(real))
                {
                    return $"{program} of a directory ({operand}) reads files the line does not name";
                }

                if (outsideRootsToo && exists && !context.WritableRoots.Any(root => RealPath.IsSameOrInside(path, root) && RealPath.IsSameOrInside(WorkingDirectories.Physical(path, lookups.Links), root)))
                {
                    return $"{program} of a path outside the workspace ({operand}) compares files outside any repository";
                }
            }
        }

        return null;
    }

    /// <summary>Why no part of the script <paramref name="nested"/> runs can be known-safe, or null.</summary>
    public static string? RefuteNestedScript(NestedScriptRun nested, AnalysisContext context, LinkResolver links) =>
        nested.ProofRefusal ?? (nested.IsLoginShell ? RefuteLoginStartupFiles(context, links) : null);

    // What bash -l runs before the script: /etc/profile, the first of ~/.bash_profile, ~/.bash_login and ~/.profile
    // (which commonly source ~/.bashrc), and ~/.bash_logout when the script runs exit. The user's own configuration,
    // trusted like git's global one, unless the agent or anyone else could have written it: a home inside the
    // workspace, a writable root or /tmp, or one of the files a link to such a place.
    private static readonly string[] LoginStartupFiles = [".bash_profile", ".bash_login", ".profile", ".bashrc", ".bash_logout"];

    private static string? RefuteLoginStartupFiles(AnalysisContext context, LinkResolver links)
    {
        if (context.HomeDirectory is not { } home)
        {
            return "a login shell with no HOME runs start-up files the proof cannot find";
        }

        foreach (var path in LoginStartupFiles.Select(name => Path.Join(home, name)).Prepend(home))
        {
            if (!links.TryRealPath(path, out _))
            {
                return $"a login shell runs {path}, which cannot be resolved";
            }

            if (WhoCanWrite(path, context, links) is { } writer)
            {
                return $"a login shell runs start-up files from {path}, which {writer} can write";
            }
        }

        return null;
    }

    // xargs makes arguments of what it reads, and git reads names from its input with --stdin, --batch and the like:
    // "xargs cat <<< ~/.netrc" and "git cat-file --batch <<< HEAD:.env" name what they read in a here-string or a fixed
    // here-document (found by an attack). Each blank-separated word of such input is checked like an argument; input
    // the line does not fix (a pipe, a computed word) is beyond the check, like any value computed at run time.
    private static IEnumerable<ShellWord> WordsFedAsArguments(NormalizedCommand command)
    {
        if (!command.ReadsArgumentsFromInput && command.Program != "git")
        {
            return [];
        }

        return command.Command.AllRedirections
            .Select(redirection => redirection.IsHereString ? redirection.Target.IsStatic ? redirection.Target.Value : redirection.Target.Pattern
                : redirection.Heredoc?.StaticText)
            .OfType<string>()
            .SelectMany(text => text.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
            .Select(ShellWord.Literal);
    }

    /// <summary>
    /// The credential location an argument or redirection of <paramref name="command"/> could name (SPEC.md "Policy",
    /// step 3a, "Credential reads are not harmless"), or null. Paths are taken from every candidate directory, with
    /// <c>~</c> and <c>$HOME</c> resolved; a pattern counts when it could expand to one. When <paramref name="argumentsAreCode"/>
    /// (bash -c, eval) the arguments are the nested script, judged by its own parts, and only redirections are looked at.
    /// </summary>
    public static CredentialReading? CredentialRead(NormalizedCommand command, WorkingDirectories directories, AnalysisContext context, AnalysisLookups lookups, bool argumentsAreCode = false)
    {
        var parsed = command.Command;
        // The arguments of bash -c SCRIPT or eval are code, whose own parts are judged; none of them is a path the
        // carrier reads (its redirections still are).
        var words = (argumentsAreCode ? [] : command.Arguments)
            .Concat(parsed.AllRedirections.Where(redirection => !redirection.IsDuplication && redirection.Heredoc is null && !redirection.IsHereString)
                .Select(redirection => redirection.Target))
            .Concat(WordsFedAsArguments(command));
        var candidates = PathDirectories(command, directories, context, lookups);
        var readsRepositoryCopies = command.Program == "git";
        var checkedSpellings = 0;
        CredentialReading? endless = null;
        foreach (var word in words)
        {
            if (directories.HomeLostBecause is { } homeLost && (word.Traits & WordTraits.Tilde) != 0)
            {
                return new CredentialReading($"{word.Source} (after {homeLost})", IsRepositoryCopy: false);
            }

            if ((word.Traits & WordTraits.Tilde) != 0 && UnfollowedTilde(word.Source) is { } tilde)
            {
                // ~+ is $PWD, ~- is $OLDPWD, ~N the directory stack, ~user another home: places the check does not follow
                // (cd /tmp/h && cat ~+/.netrc printed it, found by an attack). A "~" after "=" or ":" puts the home in the
                // middle of the word, which the spellings below do not model: "grep -r machine a=~" searched
                // "a=/home/u", a workspace link "a=" -> "/" made that the home, and ~/.netrc was printed (found by an attack).
                return new CredentialReading($"{word.Source} ({tilde})", IsRepositoryCopy: false);
            }

            foreach (var spelling in PathSpellings(word, context.HomeDirectory, readsRepositoryCopies))
            {
                if (spelling.IsPattern && directories.PatternsLostBecause is { } patternsLost)
                {
                    // dotglob, nocaseglob, extglob, GLOBIGNORE: the match check below assumes bash's defaults.
                    return new CredentialReading($"{spelling.Path} (after {patternsLost})", IsRepositoryCopy: false);
                }

                if (!spelling.IsPattern && !KernelCanResolve(spelling.Path))
                {
                    // The kernel refuses such a path (ENAMETOOLONG) before it looks at a single file: it reads nothing.
                    continue;
                }

                if (command.WrapperChangesDirectory && !Path.IsPathRooted(spelling.Path))
                {
                    // env -C DIR cat .netrc reads DIR/.netrc (found by an attack): a directory the check does not follow.
                    return new CredentialReading($"{spelling.Path} (from the directory a wrapper changes to)", IsRepositoryCopy: false);
                }

                if (directories.LostBecause is { } lost && !Path.IsPathRooted(spelling.Path))
                {
                    // After "cd ~" or "cd $DIR" a relative path is read from a directory the check does not know: any
                    // name there may be a credential ("cd ~; cat .netrc", found by an attack under Landlock, which
                    // hides nothing). Where the sandbox hides credentials this changes nothing; elsewhere it asks.
                    return new CredentialReading($"{spelling.Path} (after a {lost})", IsRepositoryCopy: false);
                }

                if (spelling.IsBeyondReading)
                {
                    return new CredentialReading($"{word.Source} (braces too many or too deep to expand)", readsRepositoryCopies);
                }

                if (++checkedSpellings > MaxPathSpellings)
                {
                    // Every suffix of a long option cluster is a spelling (-aaaa…f/etc/shadow): past this many the
                    // check would cost seconds per command line, so the stricter answer is given instead.
                    return new CredentialReading($"any of its more than {MaxPathSpellings} path spellings (too many to check)", readsRepositoryCopies);
                }

                foreach (var directory in candidates)
                {
                    // Joined, not normalised: "e/../shadow" through a link e -> /etc/ssl is /etc/shadow to the kernel,
                    // and Covers resolves links before it applies "..".
                    var path = Path.IsPathRooted(spelling.Path) ? spelling.Path : Path.Join(directory, spelling.Path);
                    if (lookups.MayNameCredential(context.Credentials, path, spelling.IsPattern))
                    {
                        if (!spelling.IsPattern && !spelling.IsRepositoryCopy && IsEndlessDevice(path, lookups.Links))
                        {
                            // No secret: kept in case a later word names a real credential, which says more.
                            endless ??= new CredentialReading(spelling.Path, IsRepositoryCopy: false, IsEndlessDevice: true);
                            continue;
                        }

                        return new CredentialReading(spelling.Path, spelling.IsRepositoryCopy);
                    }
                }
            }
        }

        return endless ?? HomeLibraryCredentialRead(command.Program, context, lookups) ?? RecursiveCredentialRead(command, directories, context, lookups);
    }

    // A file of the home the program loads by itself (KnownSafePrograms.HomeLibraries) is read like a word of the line:
    // file quotes the lines of ~/.magic in its warnings, so a ~/.magic linked to ~/.aws/credentials is a credential read
    // (dangerous where the sandbox hides nothing), not merely an unproven part.
    private static CredentialReading? HomeLibraryCredentialRead(string program, AnalysisContext context, AnalysisLookups lookups)
    {
        if (context.HomeDirectory is not { } home)
        {
            return null;
        }

        foreach (var (name, _) in KnownSafePrograms.HomeLibraries(program))
        {
            var path = Path.Join(home, name);
            if ((Path.Exists(path) || new FileInfo(path).LinkTarget is not null) && lookups.MayNameCredential(context.Credentials, path, isPattern: false))
            {
                return new CredentialReading($"~/{name} (which {program} loads by itself)", IsRepositoryCopy: false);
            }
        }

        return null;
    }

    // The directories a part's relative paths are opened from: where it runs, and for git its -C directories and the
    // repository tops as well (GitPathDirectories).
    private static IReadOnlyList<string> PathDirectories(NormalizedCommand command, WorkingDirectories directories, AnalysisContext context, AnalysisLookups lookups) =>
        command.Program == "git" ? GitPathDirectories(command.GitInvocation.Directories, directories, context, lookups) : directories.Candidates;

    // git reads the paths it is given from its -C directories (an attack read ~/.git-credentials with
    // "git -C sub diff ../../home/.git-credentials /dev/null"), as well as from where it starts, if a -C fails; and some
    // option values from the top of the work tree, whatever the directory: blame's --ignore-revs-file and -S, grep's -f
    // (an attack ran git blame -S n f in a subdirectory, with n at the top a link to ~/.netrc). Every word is taken from
    // each repository top as well, which is merely strict for the words git reads from where it runs.
    private static List<string> GitPathDirectories(IReadOnlyList<string> changes, WorkingDirectories directories, AnalysisContext context, AnalysisLookups lookups)
    {
        var starts = GitStartDirectories(changes, directories, context, lookups);
        foreach (var start in starts.ToList())
        {
            if (WorkTreeTop(start) is { } top && !starts.Contains(top, StringComparer.Ordinal))
            {
                starts.Add(top);
            }
        }

        return starts;
    }

    // Where git may run: every directory the part may run in, and its -C directories (a -C that fails leaves git where it
    // started).
    private static List<string> GitStartDirectories(IReadOnlyList<string> changes, WorkingDirectories directories, AnalysisContext context, AnalysisLookups lookups) =>
        changes.Count > 0 ? [.. directories.Candidates, .. GitDirectories(changes, directories, context, lookups)] : [.. directories.Candidates];

    // The nearest directory at or above the one given that holds a .git entry (a directory, a gitfile or a link), as git
    // discovers it; core.worktree elsewhere is refused by the repository check (GitConfigInspection).
    private static string? WorkTreeTop(string directory)
    {
        for (var current = directory; current is not null; current = Path.GetDirectoryName(current))
        {
            var dotGit = Path.Join(current, ".git");
            if (Path.Exists(dotGit) || new FileInfo(dotGit).LinkTarget is not null)
            {
                return current;
            }
        }

        return null;
    }

    // The most directory entries the look below a recursive reader's directory reads before it counts as reaching one.
    private const int MaxEntriesBelowRecursiveRead = 20_000;

    // The most links to directories git grep's look follows below its directories before it counts as reaching one.
    private const int MaxLinksBelowRecursiveRead = 64;

    // grep -r SECRET . and grep -r machine ~ printed .env and ~/.netrc with no question under danger-full-access (found by
    // an attack): a recursive reader reads every file below its directories, which no spelling on the line names. Where
    // the sandbox hides credentials that is harmless; elsewhere, a directory with a credential location or a
    // credential-named file below it (a bounded look; past the bound, assumed) is a credential read.
    private static CredentialReading? RecursiveCredentialRead(NormalizedCommand command, WorkingDirectories directories, AnalysisContext context, AnalysisLookups lookups)
    {
        if (context.CredentialsHidden || RecursiveReadOperands(command, directories, lookups) is not { } reads)
        {
            return null;
        }

        // With no file operand, grep -r, rg and git grep read where they run (git also from its -C directories); git diff
        // reads its work tree from the top.
        List<string> starts = [];
        if (reads.ReadsWhereItRuns)
        {
            starts.AddRange(command.Program == "git" ? GitStartDirectories(command.GitInvocation.Directories, directories, context, lookups) : directories.Candidates);
        }

        if (reads.ReadsWholeWorkTree)
        {
            starts = [.. starts.Select(WorkTreeTop).OfType<string>().Distinct(StringComparer.Ordinal)];
        }

        foreach (var operand in reads.Files)
        {
            if (RecursiveReadStarts(operand, directories, context.HomeDirectory) is not { } found)
            {
                return new CredentialReading($"{operand.Source} (read recursively; what it names cannot be told)", IsRepositoryCopy: false);
            }

            starts.AddRange(found);
        }

        var fixedLocations = new List<string>();
        var cutOff = new List<CredentialLocation>();
        foreach (var location in context.Credentials.Locations)
        {
            fixedLocations.AddRange(location.Expand(MaxEntriesBelowRecursiveRead, out var complete));
            if (!complete)
            {
                cutOff.Add(location);
            }
        }

        // git grep reads a tracked path below a link to a directory through it (an index entry h/.netrc and a link h ->
        // the home printed ~/.netrc, found by an attack); grep -r and rg do not follow links they meet below.
        var followsLinks = command.Program == "git";
        var pending = new Queue<string>(starts);
        var linksFollowed = 0;
        var looked = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var start))
        {
            if (!RealPath.TryResolve(start, out var real, out var exists) || !exists || !looked.Add(real))
            {
                continue;
            }

            if (fixedLocations.Any(location => RealPath.IsSameOrInside(location, real)))
            {
                return new CredentialReading($"{start} (read recursively; a credential location lies below it)", IsRepositoryCopy: false);
            }

            // A location with more matches than could be listed may have one below this read that was never seen (a
            // review read the 20,100th match of a user's wildcard entry with no question): every match lies below the
            // location's literal beginning, so a read there, above it or below it, is taken for a credential read.
            if (cutOff.FirstOrDefault(location => RealPath.IsSameOrInside(location.LiteralPrefix, real) || RealPath.IsSameOrInside(real, location.LiteralPrefix)) is { } unlisted)
            {
                return new CredentialReading($"{start} (read recursively; the credential location {unlisted.Entry.Text} has more matches than can be listed)", IsRepositoryCopy: false);
            }

            var scan = CredentialScan.Run(context.Credentials, [real], maxEntries: MaxEntriesBelowRecursiveRead);
            if (scan.Found.Count > 0 || scan.Incomplete is not null || scan.Unlisted.Count > 0)
            {
                return new CredentialReading($"{start} (read recursively; {(scan.Found.Count > 0 ? $"{scan.Found[0]} lies below it" : "too much below it to look through")})", IsRepositoryCopy: false);
            }

            foreach (var link in followsLinks ? scan.DirectoryLinks : [])
            {
                if (++linksFollowed > MaxLinksBelowRecursiveRead)
                {
                    return new CredentialReading($"{start} (read recursively; more than {MaxLinksBelowRecursiveRead} links to directories below it to look through)", IsRepositoryCopy: false);
                }

                pending.Enqueue(link);
            }
        }

        return null;
    }

    // The words a recursive reader reads as files or directories, read by the program's own grammar: grep's as GNU grep
    // parses it (SearchCommandLine: -r, -R and -d recurse in every spelling getopt accepts), rg's by its allow-list's
    // grammar (every word, and where it runs, when it is off the list), git grep's work tree. Null when the program does
    // not recurse.
    private static SearchCommandLine? RecursiveReadOperands(NormalizedCommand command, WorkingDirectories directories, AnalysisLookups lookups)
    {
        var arguments = command.Arguments;
        switch (command.Program)
        {
            case "grep" or "egrep" or "fgrep":
                var grep = GrepCommandLine(arguments, directories, lookups);
                return grep.Recursive ? grep : null;
            case "rg":
                var reading = KnownSafePrograms.Read("rg", [.. arguments.Select(argument => argument.Value)])!;
                if (reading.Refusal is not null)
                {
                    return SearchCommandLine.Guess(arguments);
                }

                // The first operand is the pattern unless an option gave one, or rg lists files or types instead of searching.
                var operands = reading.OperandPositions.Select(position => arguments[position]).ToList();
                var patternGiven = reading.Options.Any(option => option.Name is "-e" or "--regexp" or "-f" or "--file" or "--files" or "--type-list");
                return new SearchCommandLine(Recursive: true, patternGiven || operands.Count == 0 ? operands : operands[1..], IsGuess: false);
            case "git" when command.GitInvocation.Subcommand == "grep":
                // git grep reads its work tree (and with --no-index or --untracked what git does not track).
                return new SearchCommandLine(Recursive: true, [], IsGuess: false);
            case "git" when PrintsWorkTreeFiles(command):
                // git diff (but for the index's and commits' copies) and git status -v print what the tracked files of the
                // whole work tree now hold: a changed .env came out as +TOKEN=… (found by an attack). Every file below the
                // top is looked at, tracked or not (strict: the index is not read for this).
                return new SearchCommandLine(Recursive: true, [], IsGuess: false) { ReadsWholeWorkTree = true };
            default:
                return null;
        }
    }

    // git diff compares the work tree unless --cached or --staged says the index (two revisions do not read it either;
    // counted anyway, strict); git status prints the work tree's diff from -v -v on, and the index's from one -v. Only
    // the words before "--" are options: git diff -- --cached :/ diffs the work tree (found by an attack). git's
    // grammars refuse an option value that begins with "-", so none of these words is another option's value.
    private static bool PrintsWorkTreeFiles(NormalizedCommand command)
    {
        var words = command.Arguments.Select(argument => argument.Value).TakeWhile(word => word != "--").ToList();
        return command.GitInvocation.Subcommand switch
        {
            "diff" => !words.Any(word => word is "--cached" or "--staged"),
            "status" => words.Any(word => word.StartsWith("--v", StringComparison.Ordinal) || (word.Length > 1 && word[0] == '-' && word[1] != '-' && word.Contains('v', StringComparison.Ordinal))),
            _ => false,
        };
    }

    // grep's command line as grep reads it; "grep SECRET *" with a file named -r (or -Dread): bash hands grep the option,
    // so the words cannot be placed and the strict guess stands.
    private static SearchCommandLine GrepCommandLine(IReadOnlyList<ShellWord> arguments, WorkingDirectories directories, AnalysisLookups lookups) =>
        arguments.Any(argument => MayExpandToOption(argument, directories, lookups))
            ? SearchCommandLine.Guess(arguments)
            : SearchCommandLine.Read(arguments);

    // Whether a pattern among a reader's words could expand to a name the reader takes as an option, one present now.
    private static bool MayExpandToOption(ShellWord argument, WorkingDirectories directories, AnalysisLookups lookups) =>
        (argument.Traits & WordTraits.Glob) != 0 && argument.Pattern is { Length: > 0 } pattern
        && MayExpandToNameStartingWith(pattern, '-')
        && directories.Candidates.Any(directory => lookups.HoldsNameStartingWith(directory, '-', HoldsNameStartingWith));

    // The directories one operand of a recursive reader names, from every directory the part may run in: a fixed word,
    // "~" or "$HOME" spelt paths, and a pathname pattern expanded now as bash would (each match is a command-line
    // operand, whose links grep -r follows). Null when that cannot be told: a pattern with a wildcard before its last
    // component or in a directory that cannot be listed, any other expansion.
    private static List<string>? RecursiveReadStarts(ShellWord operand, WorkingDirectories directories, string? home)
    {
        var starts = new List<string>();
        foreach (var directory in directories.Candidates)
        {
            IReadOnlyList<string>? paths;
            if (operand.IsStatic)
            {
                paths = [Path.IsPathRooted(operand.Value) ? operand.Value : Path.Join(directory, operand.Value)];
            }
            else if (operand.Pattern is { } pattern && WithEscapedHome(pattern, home) is { } withHome)
            {
                paths = PathnameExpansion.TryExpand(directory, withHome, CredentialList.MaxEntriesExamined);
            }
            else if (!ComputedFromHome(operand.Source) && HomeSpelling(operand.Source, home) is { } homeSpelled)
            {
                paths = [homeSpelled];
            }
            else
            {
                return null;
            }

            if (paths is null)
            {
                return null;
            }

            foreach (var path in paths)
            {
                // Where the kernel finds it: ".." after a link is the parent of where the link leads ("h/../home" with h a
                // link to the home is the home, found by an attack), where Directory.Exists takes ".." away from the
                // written path first. A path that cannot be resolved cannot be told apart from a credential.
                if (!RealPath.TryResolve(path, out var real, out var exists))
                {
                    return null;
                }

                if (exists && Directory.Exists(real))
                {
                    starts.Add(path);
                }
            }
        }

        return starts;
    }

    // A pattern's leading "~" or "~/" as the home, its own wildcards escaped; null when there is no home to put there.
    private static string? WithEscapedHome(string pattern, string? home)
    {
        if (pattern != "~" && !pattern.StartsWith("~/", StringComparison.Ordinal))
        {
            return pattern;
        }

        if (home is null)
        {
            return null;
        }

        var escaped = new System.Text.StringBuilder(home.Length + pattern.Length);
        foreach (var character in home)
        {
            if (character is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(character);
        }

        return escaped.Append(pattern.AsSpan(1)).ToString();
    }

    // Why a tilde bash may expand in the word leads where the check does not follow, or null when every one is a leading
    // "~" alone or before "/". bash expands a tilde at the start of a word, and after "=" or ":" in a word shaped like an
    // assignment (even an argument's; any "=" or ":" counts here, which is merely strict): ~+, ~-, ~2 and ~user name other
    // directories, and a home in the middle of a word ("a=/home/u") is a path no spelling of the word names.
    private static string? UnfollowedTilde(string source)
    {
        for (var i = source.IndexOf('~', StringComparison.Ordinal); i >= 0; i = source.IndexOf('~', i + 1))
        {
            if (i > 0 && source[i - 1] is '=' or ':')
            {
                return "a tilde after = or : that bash expands in the middle of the word, which the check does not follow";
            }

            if (i == 0 && i + 1 < source.Length && source[i + 1] is not ('/' or ':'))
            {
                return "a tilde-prefix the check does not follow";
            }
        }

        return null;
    }

    private static bool IsEndlessDevice(string path, LinkResolver links) =>
        IsEndless(Path.GetFullPath(path)) || (links.TryResolve(path, out var real, out _) && IsEndless(real));

    private static bool IsEndless(string path) =>
        CredentialList.EndlessDevices.Contains(path) || CredentialList.IsPageMap(LexicalPath.Components(path));

    /// <summary>How many path spellings of one command are checked against the credential list before it counts as a read of one.</summary>
    private const int MaxPathSpellings = 1024;

    // PATH_MAX and NAME_MAX (limits.h): open(2) fails with ENAMETOOLONG on a longer path or component.
    private const int LongestPath = 4095;
    private const int LongestName = 255;

    // False when open(2) would refuse the path as too long, whatever is on disk: a path of more than PATH_MAX bytes, or
    // with a component of more than NAME_MAX bytes.
    private static bool KernelCanResolve(string path)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(path) > LongestPath)
        {
            return false;
        }

        // Checked for every path spelling of every argument: the components are read in place rather than split out.
        foreach (var range in path.AsSpan().Split('/'))
        {
            var component = path.AsSpan(range);
            if (component.Length > LongestName / 4 && System.Text.Encoding.UTF8.GetByteCount(component) > LongestName)
            {
                return false;
            }
        }

        return true;
    }

    // Only a reader's own arguments (after the program word) may be patterns or "~": a wrapper's option value
    // (nice -n [5r]*) or the program word itself would be replaced by whatever the pattern expands to.
    private static string? RefuteWords(IReadOnlyList<ShellWord> words, bool isReader, int programIndex)
    {
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            var dynamic = word.Traits & WordTraits.Dynamic;
            if (dynamic == 0)
            {
                continue;
            }

            var onlyPaths = (dynamic & ~WordTraits.PathExpansion) == 0;
            if (!isReader || !onlyPaths || i <= programIndex)
            {
                return DescribeExpansion(word);
            }

            if ((dynamic & WordTraits.Tilde) != 0 && !NamesOwnHome(word.Pattern!))
            {
                // ~user, ~+ and ~- name another user's home or a directory the proof does not track.
                return $"the tilde expansion in `{word.Source}` names a directory other than the home";
            }
        }

        return null;
    }

    // A program that loads a file of its home by itself (KnownSafePrograms.HomeLibraries) reads what nobody named on the
    // line: present at all (a link included, even one that leads nowhere yet), the part is not known-safe.
    private static string? RefuteHomeLibrary(string program, AnalysisContext context)
    {
        if (context.HomeDirectory is not { } home)
        {
            return null;
        }

        foreach (var (name, what) in KnownSafePrograms.HomeLibraries(program))
        {
            var path = Path.Join(home, name);
            if (Path.Exists(path) || new FileInfo(path).LinkTarget is not null)
            {
                return $"{program} loads ~/{name}, {what} the proof does not read";
            }
        }

        return null;
    }

    // A reader takes any words, but not a list of names from a file, and not a pattern that could expand to an
    // option-like name present now: "grep x *" with a file "-f.env" reads .env as its patterns, "wc -*" with a file
    // "--files0-from=list" reads the files the list names, "strings *" with a file "@args" reads more arguments.
    private static string? RefuteReader(NormalizedCommand command, WorkingDirectories directories, AnalysisContext context, AnalysisLookups lookups)
    {
        foreach (var argument in command.Arguments)
        {
            if (KnownSafePrograms.RefuteReaderArgument(command.Program, argument.Value) is { } refusal)
            {
                return refusal;
            }

            if (command.Program == "jq" && (argument.Traits & WordTraits.Glob) != 0)
            {
                // jq's first operand is its program: a pattern could expand to a file name that is a filter importing
                // data from anywhere (an attack named an empty file `import "d" as $c; $c`, with d.json a link to a
                // credential), which no check of the written word sees.
                return $"the pattern `{argument.Source}` could expand to a jq filter";
            }

            // Only a word with a glob expands to names found on disk; any other word is the same whatever the
            // directory holds, and its option reading is the grammar's.
            if ((argument.Traits & WordTraits.Glob) != 0 && argument.Pattern is { Length: > 0 } pattern)
            {
                foreach (var leading in KnownSafePrograms.SpecialLeadingCharacters(command.Program))
                {
                    if (MayExpandToNameStartingWith(pattern, leading)
                        && directories.Candidates.Any(directory => lookups.HoldsNameStartingWith(directory, leading, HoldsNameStartingWith)))
                    {
                        var what = leading == '@' ? "a file of more arguments" : "an option";
                        return $"the pattern `{argument.Source}` could expand to a file name that {command.Program} reads as {what}";
                    }
                }
            }
        }

        return command.Program is "grep" or "egrep" or "fgrep" && GrepCommandLine(command.Arguments, directories, lookups) is { Recursive: true, ReadsDevices: true }
            ? $"{command.Program} -D read opens every FIFO and device below the directories it reads, which may never end"
            : null;
    }

    // Whether a name matching the pattern could start with the character: the pattern starts with it (written,
    // quoted or escaped), or with a wildcard (a bracket expression counts whatever it holds, which is merely strict).
    private static bool MayExpandToNameStartingWith(string pattern, char leading) =>
        pattern[0] is '*' or '?' or '[' || pattern[0] == leading || (pattern[0] == '\\' && pattern.Length > 1 && pattern[1] == leading);

    private static bool HoldsNameStartingWith(string directory, char leading)
    {
        try
        {
            return Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory, leading + "*").Any();
        }
#pragma warning disable CA1031 // A directory that cannot be listed cannot be proven free of such names.
        catch (Exception)
#pragma warning restore CA1031
        {
            return true;
        }
    }

    // Every place bash expands a tilde (the start, after "=" or ":") is "~" alone or "~/…".
    private static bool NamesOwnHome(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            var expands = pattern[i] == '~' && (i == 0 || pattern[i - 1] is '=' or ':');
            if (expands && i + 1 < pattern.Length && pattern[i + 1] is not ('/' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    private static string DescribeExpansion(ShellWord word)
    {
        var traits = word.Traits;
        var what = (traits & WordTraits.BraceExpansion) != 0 ? "unquoted brace expansion"
            : (traits & (WordTraits.CommandSubstitution | WordTraits.InputProcessSubstitution | WordTraits.OutputProcessSubstitution)) != 0 ? "a command or process substitution"
            : (traits & (WordTraits.Arithmetic | WordTraits.EvaluatingExpansion)) != 0 ? "an expansion that evaluates"
            : (traits & WordTraits.ParameterExpansion) != 0 ? "a parameter expansion"
            : (traits & WordTraits.Glob) != 0 ? "a pathname pattern"
            : "a tilde expansion";
        return $"{what} in `{word.Source}` (only a fixed word qualifies here)";
    }

    private static string? RefuteRedirections(SimpleCommand parsed)
    {
        foreach (var redirection in parsed.AllRedirections)
        {
            var target = redirection.Target;
            if (redirection.Heredoc is { } heredoc)
            {
                if (heredoc.StaticText is null)
                {
                    return "a here-document whose body is expanded";
                }

                continue;
            }

            if (!target.IsStatic)
            {
                return $"a redirection to `{target.Source}`, which is not a fixed word";
            }

            if (redirection.IsHereString || redirection.IsDuplication || target.Value == "/dev/null")
            {
                continue;
            }

            if (redirection.Operator != "<")
            {
                return $"the redirection {redirection.Operator} {target.Value} opens a file for writing";
            }

            if (IsNetworkDevice(target.Value))
            {
                return $"input from {target.Value} is network access";
            }
        }

        return null;
    }

    // bash itself opens /dev/tcp/HOST/PORT and /dev/udp/HOST/PORT as sockets, wherever the path is spelled.
    private static bool IsNetworkDevice(string path)
    {
        var normalized = Path.GetFullPath(path, "/");
        return normalized.StartsWith("/dev/tcp/", StringComparison.Ordinal) || normalized.StartsWith("/dev/udp/", StringComparison.Ordinal)
            || path.Contains("/dev/tcp", StringComparison.Ordinal) || path.Contains("/dev/udp", StringComparison.Ordinal);
    }

    // The words before the program are wrappers; each must be one whose options only bound or renice the command.
    private static string? RefuteWrappers(IReadOnlyList<ShellWord> words, int programIndex)
    {
        var i = 0;
        while (i < programIndex)
        {
            var wrapper = words[i].Value;
            var next = wrapper switch
            {
                "command" => SkipOptions(words, i + 1, programIndex, flags: ["-p"], withValue: []),
                "nice" => SkipNice(words, i + 1, programIndex),
                "timeout" => SkipTimeout(words, i + 1, programIndex),
                "time" => SkipOptions(words, i + 1, programIndex, flags: ["-p"], withValue: []),
                // No options: without PATH (env -i, env -u PATH) the C library searches a default path of its own.
                "env" => SkipOptions(words, i + 1, programIndex, flags: [], withValue: []),
                _ => -1,
            };
            if (next < 0)
            {
                return $"the wrapper `{wrapper}` (or how it is used) is not on the wrappers' allow-list";
            }

            i = next;
        }

        return i == programIndex ? null : "the wrappers could not be read";
    }

    private static int SkipOptions(IReadOnlyList<ShellWord> words, int i, int end, string[] flags, string[] withValue)
    {
        while (i < end && words[i].Value.StartsWith('-'))
        {
            var word = words[i].Value;
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            if (flags.Contains(word))
            {
                i++;
            }
            else if (withValue.Contains(word))
            {
                i += 2;
            }
            else if (equals > 0 && withValue.Contains(word[..equals]))
            {
                i++;
            }
            else
            {
                return -1;
            }
        }

        return i;
    }

    private static int SkipNice(IReadOnlyList<ShellWord> words, int i, int end)
    {
        if (i < end && words[i].Value is "-n" or "--adjustment")
        {
            return i + 2;
        }

        return i < end && (words[i].Value.StartsWith("--adjustment=", StringComparison.Ordinal)
            || (words[i].Value.StartsWith('-') && words[i].Value.Length > 1 && words[i].Value.AsSpan(1).TrimStart('-').IndexOfAnyExceptInRange('0', '9') < 0))
            ? i + 1
            : SkipOptions(words, i, end, flags: [], withValue: []);
    }

    private static int SkipTimeout(IReadOnlyList<ShellWord> words, int i, int end)
    {
        var start = i;
        i = SkipOptions(words, i, end, flags: ["--preserve-status", "--foreground", "-v", "--verbose"], withValue: ["-s", "--signal", "-k", "--kill-after"]);
        if (i < 0 || i >= end)
        {
            return -1;
        }

        // The signal must end the command: with -s STOP the command stops at the deadline and timeout waits for it
        // without end ("timeout -s STOP 0.1 sleep 1" never ended). Only the signals whose default action terminates a
        // process, by a name or a number that is the same on every Linux architecture.
        for (var j = start; j < i; j++)
        {
            var word = words[j].Value;
            var signal = word is "-s" or "--signal" ? words[j + 1].Value
                : word.StartsWith("--signal=", StringComparison.Ordinal) || word.StartsWith("-s=", StringComparison.Ordinal) ? word[(word.IndexOf('=', StringComparison.Ordinal) + 1)..]
                : null;
            if (signal is not null && !TerminatingSignals.Contains(signal.StartsWith("SIG", StringComparison.Ordinal) ? signal[3..] : signal))
            {
                return -1;
            }
        }

        return i + 1;
    }

    private static readonly HashSet<string> TerminatingSignals =
        ["HUP", "INT", "QUIT", "ABRT", "KILL", "ALRM", "TERM", "USR1", "USR2", "1", "2", "3", "6", "9", "14", "15"];

    // Every name the part runs, the wrappers' and the program's. bash runs a builtin (or the keyword time) itself only
    // as the first word or after a builtin wrapper (command); nice, timeout and env exec the next word through PATH,
    // so "nice true" runs the first file called true on PATH, not the builtin.
    private static string? RefuteProgramPaths(IReadOnlyList<ShellWord> words, int programIndex, AnalysisContext context, AnalysisLookups lookups)
    {
        var execedByName = false;
        for (var i = 0; i <= programIndex; i++)
        {
            var name = words[i].Value;
            var bashRunsIt = !execedByName && (KnownSafePrograms.Builtins.Contains(name) || (i == 0 && name == "time"));
            if (!bashRunsIt && RefuteProgramPath(name, context, lookups) is { } refusal)
            {
                return refusal;
            }

            execedByName |= !bashRunsIt;
        }

        return null;
    }

    // SPEC.md step 2: a program given by a path, or found through a PATH entry that is relative, empty or writable
    // by the agent or by anyone, could be any file the agent wrote.
    private static string? RefuteProgramPath(string program, AnalysisContext context, AnalysisLookups lookups)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return $"the program is given by a path ({program}), which could be any file";
        }

        return lookups.ProgramRefusal(program, name => RefuteSearch(name, context, lookups.Links));
    }

    // Where PATH finds the program, and whether any entry on the way could hold a file the agent wrote.
    private static string? RefuteSearch(string program, AnalysisContext context, LinkResolver links)
    {
        if (string.IsNullOrEmpty(context.SearchPath))
        {
            return "the command has no PATH to find its program on";
        }

        foreach (var entry in context.SearchPath.Split(':'))
        {
            if (entry.Length == 0 || entry[0] != '/')
            {
                return $"PATH holds the relative entry `{entry}`, where the agent could plant {program}";
            }

            // The candidate is looked up before its directory is judged, because that one look-up also tells the
            // directory's real path when the walk met no link (LinkResolver.TryRealPath); the answers are the same in
            // either order.
            var candidate = Path.Join(entry, program);
            if (links.IsKnownLinkFree(Path.GetDirectoryName(entry.AsSpan())))
            {
                // Its directory was walked without a link in this analysis (/usr, after /usr/local/bin/ls was asked):
                // one statx(2) answers for the entry, and then one for the candidate that also tells a file from a
                // directory, instead of openat2, close and File.Exists' lstat for the candidate.
                _ = links.TryRealPath(entry, out _);
            }

            var candidateResolved = links.TryResolve(candidate, out var resolved, out var candidateExists);
            if (WhoCanWrite(entry, context, links) is { } writer)
            {
                return $"PATH holds {entry}, which {writer} can write";
            }

            // Only a candidate the walk found missing without meeting a link is certainly not there; a dangling link
            // is asked about as before (File.Exists is true for one, and its target may be planted later).
            // File.Exists also tells a directory of that name from a program.
            var certainlyAbsent = candidateResolved && !candidateExists && resolved == candidate;
            if (!certainlyAbsent && (links.FileExistsIfKnown(candidate) ?? File.Exists(candidate)))
            {
                var real = candidateResolved ? resolved! : candidate;
                return WhoCanWrite(real, context, links) is { } owner ? $"{program} resolves to {real}, which {owner} can write" : null;
            }
        }

        // Not found anywhere, with every entry trusted: bash prints "command not found" and runs nothing.
        return null;
    }

    // "the agent" for a path inside a writable root, "every local user" for one inside a shared temporary directory
    // (/tmp: a program planted there by anyone, or by an earlier command, is not one the user installed), else null.
    private static string? WhoCanWrite(string path, AnalysisContext context, LinkResolver links)
    {
        var resolved = links.TryRealPath(path, out var real) ? real : path;
        return IsInsideAny(path, resolved, context.WritableRoots) ? "the agent"
            : IsInsideAny(path, resolved, context.SharedDirectories) ? "every local user"
            : null;
    }

    // Whether the path as written or resolved lies in one of the directories (a loop: asked for every program and entry).
    private static bool IsInsideAny(string path, string resolved, IReadOnlyList<string> directories)
    {
        for (var i = 0; i < directories.Count; i++)
        {
            if (RealPath.IsSameOrInside(path, directories[i]) || RealPath.IsSameOrInside(resolved, directories[i]))
            {
                return true;
            }
        }

        return false;
    }

    // git reads the configuration of the repository its working directory (after -C) selects, for every
    // directory the part may run in (GitDirectories).
    private static string? RefuteRepositories(IReadOnlyList<string> gitDirectories, AnalysisContext context, AnalysisLookups lookups)
    {
        foreach (var directory in gitDirectories)
        {
            // A global config in a shared directory (/tmp) is anyone's: read like the repository's (an attack ran one
            // from a home under /tmp).
            var named = lookups.RepositoryRefusal(directory, from => GitRepositoryConfig.FindProgramSetting(from, context.HomeDirectory, [.. context.WritableRoots, .. context.SharedDirectories], lookups.Links, lookups.GitDirectoryLinks));
            if (named is not null)
            {
                return named;
            }
        }

        // git prints the objects, refs and history of the git directory a .git file or commondir names, and of every
        // alternate object directory, as its own: a .git file "gitdir: ~/.password-store/.git" made git log -p print the
        // password files, and an alternate ~/.password-store/.git/objects made git cat-file -p with a short id print one
        // (found by an attack). One in a credential location keeps git from being known-safe; those met for any
        // repository of this line count, which is merely strict.
        foreach (var gitDirectory in lookups.GitDirectoryLinks.GitDirectories)
        {
            if (context.Credentials.Covers(gitDirectory, lookups.Links))
            {
                return $"git reads the repository {gitDirectory}, which lies in a credential location";
            }
        }

        foreach (var alternate in lookups.GitDirectoryLinks.Alternates)
        {
            if (context.Credentials.Covers(alternate, lookups.Links))
            {
                return $"the repository borrows objects from {alternate}, which lies in a credential location";
            }
        }

        return null;
    }

    // Where git runs: it changes into each -C directory in turn and walks up from where it really is, so from every
    // directory the part may start in, the path as written and the path with its links resolved.
    private static IEnumerable<string> GitDirectories(IReadOnlyList<string> changes, WorkingDirectories directories, AnalysisContext context, AnalysisLookups lookups)
    {
        var expanded = changes.Select(change => WithHome(change, context.HomeDirectory)).ToList();
        foreach (var start in directories.Candidates)
        {
            var lexical = expanded.Aggregate(start, (from, next) => Path.GetFullPath(next, from));
            var physical = expanded.Aggregate(start, (from, next) => WorkingDirectories.Physical(Path.IsPathRooted(next) ? next : Path.Join(from, next), lookups.Links));
            yield return lexical;
            if (physical != lexical)
            {
                yield return physical;
            }
        }
    }

    // A word as bash hands it on when its only expansion is a leading tilde: "~" and "~/x" name the home.
    private static string WithHome(string value, string? home) =>
        home is null ? value
        : value == "~" ? home
        : value.StartsWith("~/", StringComparison.Ordinal) ? Path.Join(home, value[2..])
        : value;

    // The spellings of a path an argument holds: the word itself, the value after "--option=", an attached short
    // option's value, for git the path after a revision and a colon; "~" and "$HOME" resolved where nothing else is
    // dynamic.
    private static IEnumerable<PathSpelling> PathSpellings(ShellWord word, string? home, bool readsRepositoryCopies)
    {
        string text;
        bool isPattern;
        if (word.IsStatic)
        {
            (text, isPattern) = (word.Value, false);
        }
        else if (word.Pattern is { } pattern)
        {
            (text, isPattern) = (pattern, (word.Traits & WordTraits.Glob) != 0);
        }
        else if (word.BracePattern is { } braced)
        {
            if (!BraceExpansion.CanExpand(braced))
            {
                yield return new PathSpelling(braced, IsPattern: true) { IsBeyondReading = true };
                yield break;
            }

            foreach (var (expanded, hasSequence) in BraceExpansion.Expand(braced))
            {
                var isExpandedPattern = hasSequence || (word.Traits & WordTraits.Glob) != 0;
                foreach (var spelling in Spellings(expanded, isExpandedPattern, home, readsRepositoryCopies))
                {
                    yield return spelling;
                }
            }

            yield break;
        }
        else if (ComputedFromHome(word.Source))
        {
            yield return new PathSpelling(word.Source, IsPattern: true) { IsBeyondReading = true };
            yield break;
        }
        else if (HomeSpelling(word.Source, home) is { } withHome)
        {
            (text, isPattern) = (withHome, false);
        }
        else if (word.Source.Contains("$HOME", StringComparison.Ordinal) || word.Source.Contains("${HOME", StringComparison.Ordinal) || word.Source.Contains('~'))
        {
            // The home (or a tilde bash may expand to it) in a word no spelling above reads: ${HOME:-${X}}/.netrc (the
            // operand holds a brace), ${X:-~}/.netrc (a tilde in an operand), "$HOME"/$f. Beyond reading, so counted
            // as naming a credential (found by a review: both read ~/.netrc with no question where nothing hides it).
            yield return new PathSpelling(word.Source, IsPattern: true) { IsBeyondReading = true };
            yield break;
        }
        else
        {
            yield break;
        }

        foreach (var spelling in Spellings(text, isPattern, home, readsRepositoryCopies))
        {
            yield return spelling;
        }
    }

    private static IEnumerable<PathSpelling> Spellings(string text, bool isPattern, string? home, bool readsRepositoryCopies)
    {
        foreach (var (candidate, isRepositoryCopy) in Candidates(text, readsRepositoryCopies))
        {
            if (candidate.Length == 0)
            {
                continue;
            }

            if (candidate == "~" || candidate.StartsWith("~/", StringComparison.Ordinal))
            {
                if (home is not null)
                {
                    yield return new PathSpelling(home + candidate[1..], isPattern, isRepositoryCopy);
                }

                continue;
            }

            yield return new PathSpelling(candidate, isPattern, isRepositoryCopy);
        }
    }

    private static IEnumerable<(string Text, bool IsRepositoryCopy)> Candidates(string text, bool readsRepositoryCopies)
    {
        if (readsRepositoryCopies)
        {
            // git reads a file's committed or staged copy with REV:path, :path and :N:path (an attack printed a
            // committed .env with git show HEAD:.env), from the repository's top or, with ./, from where git runs: every
            // text after a colon, taken from every candidate directory, and a name the credential list knows anywhere
            // is caught wherever it lies. First, so that the stricter finding is the one reported.
            for (var colon = text.IndexOf(':', StringComparison.Ordinal); colon >= 0 && colon < text.Length - 1; colon = text.IndexOf(':', colon + 1))
            {
                yield return (text[(colon + 1)..], true);
            }
        }

        yield return (text, false);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
        {
            yield return (text[(equals + 1)..], false);
        }

        // A value attached anywhere in a cluster of short options: -f/etc/shadow, -uf/etc/shadow. A suffix longer than
        // PATH_MAX bytes names nothing the kernel would open (each character is a byte at least), so the suffixes start
        // no earlier than that from the end: a cluster of 100,000 letters costs 4,095 short copies, not 100,000 long ones.
        if (text.Length > 2 && text[0] == '-' && text[1] != '-')
        {
            for (var i = Math.Max(2, text.Length - LongestPath); i < text.Length; i++)
            {
                yield return (text[i..], false);
            }
        }
    }

    // "$HOME/.ssh/id_rsa", "${HOME}/.aws/credentials", "\"$HOME\"/.netrc": the home spelt as a variable, when nothing
    // else in the word is dynamic.
    private static string? HomeSpelling(string source, string? home)
    {
        if (home is null || !source.Contains("HOME", StringComparison.Ordinal))
        {
            return null;
        }

        // ${HOME%/}, ${HOME:-…}: forms that leave a set home as it is (an attack read ~/.netrc with cat ${HOME%/}/.netrc)
        // are read as the home itself. Any other operator computes a path from it (ComputedFromHome).
        var text = HomeAsItIs().Replace(source, home.Replace("$", "$$", StringComparison.Ordinal)).Replace("$HOME", home, StringComparison.Ordinal)
            .Replace("\"", string.Empty, StringComparison.Ordinal).Replace("'", string.Empty, StringComparison.Ordinal);
        return text.IndexOfAny(['$', '`', '*', '?', '[', '{', '}', '\\']) < 0 ? text : null;
    }

    // True when the word computes a path from the home with an operator that changes it: ${HOME:0:7}/home/.netrc,
    // ${HOME%home}home/.netrc, ${HOME/x/y}, ${HOME#/}, ${HOME:+…}, case changes. Its value is beyond reading here, but it
    // may be a credential's path near the home (an attack read ~/.netrc so where nothing hides it), so it counts as
    // naming one, as an unexpandable brace word does.
    private static bool ComputedFromHome(string source) =>
        source.Contains("${HOME", StringComparison.Ordinal) && HomeWithOperator().IsMatch(HomeAsItIs().Replace(source, string.Empty));

    // ${HOME}, and the forms that leave a set, non-empty home as it is: a trailing slash removed (%/, %%/), a default or
    // an assignment for when it is unset or empty (:-, -, :=, =), an error for then (:?, ?). HOME is always set for a
    // command (SPEC.md "Environment"). A brace inside the operand ends it early, which leaves a "{" or "}" behind and so
    // no spelling at all.
    [GeneratedRegex(@"\$\{HOME(?:%%?/|:?[-=?][^}]*)?\}", RegexOptions.CultureInvariant)]
    private static partial Regex HomeAsItIs();

    // ${HOME followed by any operator.
    [GeneratedRegex(@"\$\{HOME[^A-Za-z0-9_}]", RegexOptions.CultureInvariant)]
    private static partial Regex HomeWithOperator();
}
