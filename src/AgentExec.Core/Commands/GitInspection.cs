namespace AgentExec.Core.Commands;

/// <summary>
/// The git commands a known-safe part may run — <c>status</c>, <c>log</c>, <c>show</c>, <c>diff</c>, <c>grep</c>,
/// <c>blame</c>, <c>shortlog</c>, <c>describe</c>, <c>rev-parse</c>, <c>ls-files</c>, <c>ls-tree</c>, <c>cat-file</c>,
/// <c>stash list</c>, <c>reflog</c>, <c>version</c> and the listing forms of <c>branch</c>, <c>tag</c> and
/// <c>remote</c> — with options from an allow-list (SPEC.md "Policy", step 3a).
/// </summary>
/// <remarks>
/// <para>
/// Only global options that change nothing git runs are accepted: <c>-C DIR</c> (the repository it selects is then
/// proven clean too), <c>--no-pager</c>, <c>-P</c>, <c>--no-optional-locks</c> and the pathspec switches. <c>-c</c>,
/// <c>--config-env</c>, <c>--git-dir</c>, <c>--work-tree</c>, <c>--exec-path</c> and <c>-p</c> are refused.
/// </para>
/// <para>
/// Long options must be spelled in full and be on the list: git accepts abbreviations of some, and
/// <c>--output</c>, <c>--ext-diff</c>, <c>--textconv</c>, <c>--show-signature</c> (runs gpg), <c>--submodule</c>
/// and <c>--paginate</c> write files or run programs. What the repository's own configuration makes git run is
/// proven apart (<see cref="GitRepositoryConfig"/>).
/// </para>
/// </remarks>
internal static class GitInspection
{
    // --glob-pathspecs and --icase-pathspecs are left out: they make every pathspec a pattern (PathspecRefusal).
    private static readonly HashSet<string> GlobalFlags =
        ["--no-pager", "-P", "--no-optional-locks", "--literal-pathspecs", "--noglob-pathspecs", "--no-replace-objects"];

    // The subcommands that print what files hold (a diff, a blob, matching lines), where a pathspec selects the files.
    private static readonly HashSet<string> ContentReaders = ["log", "show", "diff", "whatchanged", "grep", "blame", "annotate", "cat-file", "stash", "reflog"];

    private static readonly OptionGrammar Status = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "sbvz",
        ShortWithValue = string.Empty,
        LongFlags = OptionGrammar.Names("short", "branch", "long", "verbose", "show-stash", "ahead-behind", "no-ahead-behind", "renames", "no-renames", "column", "no-column", "null"),
        LongOptionalValue = OptionGrammar.Names("porcelain", "untracked-files", "ignored", "ignore-submodules", "find-renames"),
    };

    // The revision-walking and diff options of log, show and diff that only choose and format what is printed.
    private static readonly string[] LogAndDiffFlags =
    [
        "oneline", "stat", "shortstat", "numstat", "summary", "name-only", "name-status", "patch", "no-patch", "raw", "graph",
        "no-decorate", "all", "branches", "tags", "remotes", "reverse", "no-merges", "merges", "first-parent", "abbrev-commit",
        "no-abbrev-commit", "no-abbrev", "full-history", "follow", "left-right", "cherry-pick", "cherry-mark", "cherry", "boundary",
        "topo-order", "date-order", "author-date-order", "parents", "children", "source", "relative-date", "cached", "staged",
        "ignore-all-space", "ignore-space-change", "ignore-blank-lines", "ignore-space-at-eol", "ignore-cr-at-eol", "minimal",
        "patience", "histogram", "no-renames", "find-copies", "find-copies-harder", "exit-code", "quiet", "check", "full-index",
        "binary", "no-color", "color-words", "no-ext-diff", "no-textconv", "function-context", "text", "no-prefix",
        "compact-summary", "log-size", "use-mailmap", "no-notes", "no-walk", "do-walk", "simplify-by-decoration", "dense",
        "sparse", "expand-tabs", "no-expand-tabs", "irreversible-delete", "no-indent-heuristic", "indent-heuristic",
        "ignore-missing", "mailmap", "no-mailmap", "full-diff", "no-diff-merges", "invert-grep",
        "regexp-ignore-case", "extended-regexp", "fixed-strings", "perl-regexp", "all-match", "pickaxe-all", "pickaxe-regex",
        "merge", "no-standard-notes", "show-linear-break", "single-worktree", "ignore-missing", "no-relative", "shortstat",
    ];

    private static readonly string[] LogAndDiffValues =
    [
        "max-count", "skip", "since", "after", "until", "before", "author", "committer", "grep", "format", "pretty", "date",
        "unified", "diff-filter", "stat-width", "stat-name-width", "stat-count", "stat-graph-width", "since-as-filter",
        "min-parents", "max-parents", "exclude", "anchored", "diff-algorithm", "inter-hunk-context", "word-diff-regex",
        "encoding", "grep-reflog", "output-indicator-old", "output-indicator-new", "output-indicator-context",
        // git reads its value from the next word too (parse_long_opt); judged by DiffMergesRefusal.
        "diff-merges",
        // A value git requires, from the next word too: read as a flag, that word was a third operand to the proof while
        // git diff compared the other two ("git diff --color-moved-ws no DIR FILE" printed DIR/FILE, a credential).
        "color-moved-ws",
    ];

    private static readonly string[] LogAndDiffOptionalValues =
    [
        "decorate", "color", "word-diff", "abbrev", "relative", "find-renames", "dirstat", "stat", "ignore-submodules",
        "pretty", "format", "notes", "show-notes", "color-moved", "break-rewrites",
    ];

    // Not --remerge-diff (nor --diff-merges=remerge): it writes the objects of the merges it redoes into
    // .git/objects/tmp_objdir-remerge-diff-*. Not -O: it reads an order file, a path the check would have to follow.
    private static readonly OptionGrammar LogAndDiff = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "pusRawbWzgqMBCDt",
        ShortWithValue = "nUSGLl",
        LongFlags = OptionGrammar.Names(LogAndDiffFlags),
        LongWithValue = OptionGrammar.Names(LogAndDiffValues),
        LongOptionalValue = OptionGrammar.Names(LogAndDiffOptionalValues),
        NumericOption = true,

        // git's -U and --unified take a number only attached (-U5, --unified=5): "git diff -U DIR FILE" compares
        // DIR/FILE with FILE, outside any repository or when DIR lies outside it (an attack printed ~/.kube/config that
        // way with "git diff -U ~/.kube .git/config"), where the proof took DIR for the value and saw one operand.
        ValueOnlyAttached = OptionGrammar.Names("-U", "--unified"),
    };

    private static readonly OptionGrammar Branch = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "arlviq",
        LongFlags = OptionGrammar.Names("all", "remotes", "list", "verbose", "show-current", "ignore-case", "quiet", "no-column", "no-color", "omit-empty", "no-abbrev"),
        LongWithValue = OptionGrammar.Names("contains", "no-contains", "merged", "no-merged", "points-at", "sort", "format"),
        LongOptionalValue = OptionGrammar.Names("column", "color", "abbrev"),
    };

    private static readonly OptionGrammar Grep = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "nivwlLcEFPhHIaqzWp",
        ShortWithValue = "eABCmf",
        LongFlags = OptionGrammar.Names("line-number", "ignore-case", "invert-match", "word-regexp", "files-with-matches", "name-only",
            "files-without-match", "count", "extended-regexp", "fixed-strings", "perl-regexp", "basic-regexp", "cached",
            "untracked", "no-index", "no-exclude-standard", "exclude-standard", "full-name", "heading",
            "break", "show-function", "function-context", "text", "null", "quiet", "all-match", "and", "or", "not",
            "only-matching", "column", "no-color", "recursive", "no-recursive"),
        LongWithValue = OptionGrammar.Names("regexp", "after-context", "before-context", "context", "max-depth", "max-count", "threads"),
        LongOptionalValue = OptionGrammar.Names("color"),
        NumericOption = true,
    };

    // Listing forms only: an operand creates a tag unless -l/--list is given (checked below).
    private static readonly OptionGrammar Tag = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "l",
        ShortWithValue = "n",
        LongFlags = OptionGrammar.Names("list", "ignore-case", "omit-empty", "no-column"),
        LongWithValue = OptionGrammar.Names("sort", "contains", "no-contains", "merged", "no-merged", "points-at", "format"),
        LongOptionalValue = OptionGrammar.Names("column", "color"),
        NumericOption = true,
    };

    private static readonly OptionGrammar RevParse = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "q",
        LongFlags = OptionGrammar.Names("show-toplevel", "show-prefix", "show-cdup", "git-dir", "git-common-dir", "absolute-git-dir",
            "is-inside-work-tree", "is-inside-git-dir", "is-bare-repository", "is-shallow-repository", "show-superproject-working-tree",
            "verify", "quiet", "symbolic", "symbolic-full-name", "all", "branches", "tags", "remotes", "revs-only", "no-revs",
            "flags", "no-flags", "local-env-vars", "shared-index-path", "show-object-format", "show-ref-format"),
        LongOptionalValue = OptionGrammar.Names("short", "abbrev-ref", "default", "prefix"),
    };

    private static readonly OptionGrammar LsFiles = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "cdmoiskuvtfz",
        ShortWithValue = "x",
        LongFlags = OptionGrammar.Names("cached", "deleted", "modified", "others", "ignored", "stage", "killed", "directory", "no-empty-directory",
            "unmerged", "resolve-undo", "exclude-standard", "error-unmatch", "full-name", "eol", "deduplicate",
            "sparse", "debug"),
        LongWithValue = OptionGrammar.Names("exclude", "exclude-per-directory", "with-tree", "format"),
        LongOptionalValue = OptionGrammar.Names("abbrev"),
    };

    private static readonly OptionGrammar LsTree = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "rdtlz",
        LongFlags = OptionGrammar.Names("long", "name-only", "name-status", "object-only", "full-name", "full-tree"),
        LongWithValue = OptionGrammar.Names("format"),
        LongOptionalValue = OptionGrammar.Names("abbrev"),
    };

    // blame and annotate: -L, -S (a revisions file it reads) and the display switches; --contents reads a file.
    private static readonly OptionGrammar Blame = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "bcflnpsewtM",
        ShortWithValue = "LS",
        LongFlags = OptionGrammar.Names("root", "show-stats", "porcelain", "line-porcelain", "incremental", "show-name", "show-number", "show-email",
            "minimal", "progress", "no-progress", "reverse", "first-parent"),
        LongWithValue = OptionGrammar.Names("date", "ignore-rev", "ignore-revs-file"),
        LongOptionalValue = OptionGrammar.Names("abbrev", "color-lines", "color-by-age"),
    };

    private static readonly OptionGrammar Shortlog = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "nsec",
        LongFlags = OptionGrammar.Names("numbered", "summary", "email", "committer", "all", "no-merges", "merges", "first-parent"),
        LongWithValue = OptionGrammar.Names("group", "format", "since", "after", "until", "before", "author", "max-count"),
        NumericOption = true,
    };

    private static readonly OptionGrammar Describe = new()
    {
        OptionLikeValuesRefused = true,
        LongFlags = OptionGrammar.Names("tags", "all", "always", "long", "exact-match", "contains", "first-parent", "debug"),
        LongWithValue = OptionGrammar.Names("match", "exclude", "candidates"),
        LongOptionalValue = OptionGrammar.Names("abbrev"),
    };

    private static readonly OptionGrammar CatFile = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "ptse",
        LongFlags = OptionGrammar.Names("allow-unknown-type", "use-mailmap", "no-use-mailmap"),
    };

    private static readonly OptionGrammar Remote = new()
    {
        OptionLikeValuesRefused = true,
        ShortFlags = "v",
        LongFlags = OptionGrammar.Names("verbose"),
    };

    private static readonly OptionGrammar Nothing = new() { MaxOperands = 0, OptionLikeValuesRefused = true };

    /// <summary>
    /// Reads a literal <c>git</c> command line: the directories its <c>-C</c> options select, in order, and why it is
    /// not a known-safe inspection (null when it is).
    /// </summary>
    public static GitInvocation Refute(IReadOnlyList<string> arguments)
    {
        var directories = new List<string>();
        if (arguments is ["--version"])
        {
            return new GitInvocation(directories, null);
        }

        var i = 0;
        for (; i < arguments.Count && arguments[i].StartsWith('-'); i++)
        {
            var option = arguments[i];
            if (option == "-C" && i + 1 < arguments.Count)
            {
                directories.Add(arguments[++i]);
            }
            else if (!GlobalFlags.Contains(option))
            {
                return new GitInvocation(directories, option is "-c" or "--config-env" || option.StartsWith("--config-env=", StringComparison.Ordinal)
                    ? "git with -c (configuration can run commands)"
                    : $"git with the global option {option}");
            }
        }

        if (i >= arguments.Count)
        {
            return new GitInvocation(directories, "git without a subcommand");
        }

        var subcommand = arguments[i];
        var rest = arguments.Skip(i + 1).ToList();
        var name = $"git {subcommand}";
        var reading = subcommand switch
        {
            "status" => Status.Read(name, rest),
            "log" or "show" or "diff" or "whatchanged" => LogAndDiff.Read(name, rest),
            "branch" => Branch.Read(name, rest),
            "grep" => Grep.Read(name, rest),
            "tag" => Tag.Read(name, rest),
            "rev-parse" => RevParse.Read(name, rest),
            "ls-files" => LsFiles.Read(name, rest),
            "ls-tree" => LsTree.Read(name, rest),
            "blame" or "annotate" => Blame.Read(name, rest),
            "shortlog" => Shortlog.Read(name, rest),
            "describe" => Describe.Read(name, rest),
            "cat-file" => CatFile.Read(name, rest),
            "remote" => Remote.Read(name, rest),
            "version" => Nothing.Read(name, rest),
            "stash" or "reflog" when rest.Count > 0 && rest[0] is "list" or "show" => LogAndDiff.Read($"{name} {rest[0]}", rest.Skip(1).ToList()),
            "reflog" when rest.Count == 0 => LogAndDiff.Read(name, rest),
            _ => OptionReading.Refused($"git {subcommand} is not a read-only git command"),
        };

        return new GitInvocation(directories, reading.Refusal ?? ListingRefusal(subcommand, reading) ?? FormatRefusal(reading) ?? DiffMergesRefusal(reading) ?? PathspecRefusal(subcommand, reading))
        {
            Subcommand = subcommand,
            Operands = reading.Operands,
        };
    }

    // git matches a pathspec as a pattern (wildmatch, where * crosses /) and reads magic in it (":(top)", ":(icase)",
    // ":!"): the credential check, which reads an operand as a path, cannot tell what it selects (an attack printed a
    // committed .env with git log -p -- '.en?' and ~/.netrc with git grep --no-index -- ':(icase).NETRC'). For the
    // subcommands that print contents, an operand with a wildcard or with magic is refused; git grep's first operand is
    // its pattern when no -e or -f gives one.
    private static string? PathspecRefusal(string subcommand, OptionReading reading)
    {
        if (!ContentReaders.Contains(subcommand))
        {
            return null;
        }

        var operands = subcommand == "grep" && !reading.Options.Any(option => option.Name is "-e" or "--regexp" or "-f")
            ? reading.Operands.Skip(1)
            : reading.Operands;
        foreach (var operand in operands)
        {
            if (operand.AsSpan().IndexOfAny('*', '?', '[') >= 0 || (operand.Length > 1 && operand[0] == ':' && operand[1] is '(' or '!' or '^'))
            {
                return $"git {subcommand} reads what the pathspec {operand} matches, which the credential check cannot list";
            }
        }

        return null;
    }

    // %G… placeholders (and for-each-ref's %(signature)) verify signatures, which runs gpg; a --pretty or --format
    // that is a bare name other than git's own may be a pretty.NAME alias from the repository's configuration.
    private static string? FormatRefusal(OptionReading reading)
    {
        foreach (var option in reading.Options.Where(option => option.Name is "--format" or "--pretty" or "--group"))
        {
            var value = option.Value ?? string.Empty;
            if (NamesSignature(value))
            {
                return $"git {option.Name} with a signature placeholder runs gpg";
            }

            if (option.Name == "--group")
            {
                continue; // author, committer, trailer:KEY or format:FORMAT; only a format's placeholders matter.
            }

            if (value.Length > 0 && !value.Contains('%', StringComparison.Ordinal) && !value.Contains(':', StringComparison.Ordinal)
                && !BuiltInFormats.Contains(value))
            {
                return $"git {option.Name}={value} may name a format the repository's configuration defines";
            }
        }

        return null;
    }

    // The formats of --diff-merges that only print. remerge (r) redoes each merge and writes its objects; on (m) means
    // whatever log.diffMerges says, which the repository's configuration may set to remerge.
    private static readonly HashSet<string> PrintingDiffMerges =
        ["off", "none", "first-parent", "1", "separate", "combined", "c", "dense-combined", "cc"];

    private static string? DiffMergesRefusal(OptionReading reading) =>
        reading.Options.Where(option => option.Name == "--diff-merges").Select(option => option.Value ?? string.Empty)
            .FirstOrDefault(format => !PrintingDiffMerges.Contains(format)) is { } refused
            ? $"git --diff-merges={refused} may show merges as a remerge diff, which writes objects into the repository"
            : null;

    /// <summary>True when a pretty format has a placeholder that verifies a signature (and so runs gpg).</summary>
    public static bool NamesSignature(string? format) =>
        format is not null && (format.Contains("%G", StringComparison.Ordinal) || format.Contains("signature", StringComparison.OrdinalIgnoreCase));

    // The forms of branch, tag and remote that only list: a name without --list creates a branch or tag, remote with a
    // subcommand adds, removes or contacts a remote. (Not git config, even to read: it prints what any file an include
    // names holds, and an attack included ~/.pypirc, which parses as configuration, to print its password.)
    private static string? ListingRefusal(string subcommand, OptionReading reading)
    {
        var lists = reading.Options.Any(option => option.Name is "-l" or "--list");
        return subcommand switch
        {
            "branch" when reading.Operands.Count > 0 && !lists => "git branch with a name creates a branch",
            "tag" when reading.Operands.Count > 0 && !lists => "git tag with a name creates a tag",
            "remote" when reading.Operands.Count > 0 => "git remote with a subcommand changes or contacts a remote",
            _ => null,
        };
    }

    private static readonly HashSet<string> BuiltInFormats =
        ["oneline", "short", "medium", "full", "fuller", "reference", "email", "raw", "mboxrd"];

}
