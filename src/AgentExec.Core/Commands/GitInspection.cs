namespace AgentExec.Core.Commands;

/// <summary>
/// The git commands a known-safe part may run: <c>status</c>, <c>log</c>, <c>show</c>, <c>diff</c> and the listing
/// forms of <c>branch</c>, with options from an allow-list (SPEC.md "Policy", step 3a).
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
    private static readonly HashSet<string> GlobalFlags =
        ["--no-pager", "-P", "--no-optional-locks", "--literal-pathspecs", "--glob-pathspecs", "--noglob-pathspecs", "--icase-pathspecs", "--no-replace-objects"];

    private static readonly OptionGrammar Status = new()
    {
        ShortFlags = "sbvz",
        ShortWithValue = string.Empty,
        LongFlags = Set("short", "branch", "long", "verbose", "show-stash", "ahead-behind", "no-ahead-behind", "renames", "no-renames", "column", "no-column", "null"),
        LongOptionalValue = Set("porcelain", "untracked-files", "ignored", "ignore-submodules", "find-renames"),
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
        "ignore-missing", "mailmap", "no-mailmap", "full-diff", "remerge-diff", "no-diff-merges", "invert-grep",
        "regexp-ignore-case", "extended-regexp", "fixed-strings", "perl-regexp", "all-match", "pickaxe-all", "pickaxe-regex",
        "merge", "no-standard-notes", "show-linear-break", "single-worktree", "ignore-missing", "no-relative", "shortstat",
    ];

    private static readonly string[] LogAndDiffValues =
    [
        "max-count", "skip", "since", "after", "until", "before", "author", "committer", "grep", "format", "pretty", "date",
        "unified", "diff-filter", "stat-width", "stat-name-width", "stat-count", "stat-graph-width", "since-as-filter",
        "min-parents", "max-parents", "exclude", "anchored", "diff-algorithm", "inter-hunk-context", "word-diff-regex",
        "encoding", "grep-reflog", "output-indicator-old", "output-indicator-new", "output-indicator-context",
    ];

    private static readonly string[] LogAndDiffOptionalValues =
    [
        "decorate", "color", "word-diff", "abbrev", "relative", "find-renames", "dirstat", "stat", "ignore-submodules",
        "pretty", "format", "notes", "show-notes", "color-moved", "color-moved-ws", "break-rewrites", "diff-merges",
    ];

    private static readonly OptionGrammar LogAndDiff = new()
    {
        ShortFlags = "pusRawbWzgqMBCDt",
        ShortWithValue = "nUSGLlO",
        LongFlags = Set(LogAndDiffFlags),
        LongWithValue = Set(LogAndDiffValues),
        LongOptionalValue = Set(LogAndDiffOptionalValues),
        NumericOption = true,
    };

    private static readonly OptionGrammar Branch = new()
    {
        ShortFlags = "arlviq",
        LongFlags = Set("all", "remotes", "list", "verbose", "show-current", "ignore-case", "quiet", "no-column", "no-color", "omit-empty", "no-abbrev"),
        LongWithValue = Set("contains", "no-contains", "merged", "no-merged", "points-at", "sort", "format"),
        LongOptionalValue = Set("column", "color", "abbrev"),
    };

    /// <summary>
    /// Reads a literal <c>git</c> command line: the directories its <c>-C</c> options select, in order, and why it is
    /// not a known-safe inspection (null when it is).
    /// </summary>
    public static GitInvocation Refute(IReadOnlyList<string> arguments)
    {
        var directories = new List<string>();
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
        var reading = subcommand switch
        {
            "status" => Status.Read("git status", rest),
            "log" or "show" or "diff" => LogAndDiff.Read($"git {subcommand}", rest),
            "branch" => Branch.Read("git branch", rest),
            _ => OptionReading.Refused($"git {subcommand} is not a read-only git command"),
        };

        var refusal = reading.Refusal;
        if (refusal is null && subcommand == "branch" && reading.Operands.Count > 0
            && !reading.Options.Any(option => option.Name is "-l" or "--list"))
        {
            refusal = "git branch with a name creates a branch";
        }

        return new GitInvocation(directories, refusal);
    }

    private static HashSet<string> Set(params string[] names) => new(names, StringComparer.Ordinal);
}
