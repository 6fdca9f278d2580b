namespace AgentExec.Core.Commands;

/// <summary>The built-in verdicts on <c>git</c>: which subcommands only read, and which destroy work.</summary>
/// <remarks>
/// Known-safe: <c>status</c>, <c>log</c>, <c>diff</c>, <c>show</c> and listing forms of <c>branch</c>, with
/// no global option other than <c>-C DIR</c> and <c>--no-pager</c> (<c>-c</c> can set <c>core.pager</c> or
/// an alias to any command) and none of the options that write files or run programs anywhere.
/// Dangerous: <c>reset --hard</c>, <c>clean -f</c>, force or deleting pushes, and the forms of
/// <c>checkout</c>/<c>restore</c> that throw away uncommitted changes, which no reflog can bring back.
/// Deleting a branch (<c>branch -D</c>) stays ordinary: its commits remain in the reflog.
/// </remarks>
internal static class GitCommand
{
    private static readonly HashSet<string> ReadOnlySubcommands = ["status", "log", "diff", "show", "branch"];

    // Refused anywhere in a read-only command; git accepts abbreviations, so prefixes count (see FlagSet.NamesLongOption).
    private static readonly string[] UnsafeLongOptions =
        ["--output", "--ext-diff", "--textconv", "--exec", "--exec-path", "--paginate", "--git-dir", "--work-tree", "--config-env", "--open-files-in-pager"];

    // Real options that happen to be prefixes of an unsafe one.
    private static readonly HashSet<string> HarmlessLongOptions = ["--text"];

    private static readonly HashSet<string> GlobalOptionsWithValue = ["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix", "--list-cmds"];

    private static readonly HashSet<string> BranchListingOptions =
    [
        "-a", "--all", "-r", "--remotes", "-l", "--list", "-v", "-vv", "--verbose", "--show-current", "--contains", "--no-contains",
        "--merged", "--no-merged", "--points-at", "--sort", "--format", "--column", "--no-column", "--color", "--no-color",
        "-i", "--ignore-case", "--abbrev", "--no-abbrev", "-q", "--quiet", "--omit-empty",
    ];

    private static readonly HashSet<string> BranchOptionsWithValue = ["--contains", "--no-contains", "--merged", "--no-merged", "--points-at", "--sort", "--format"];

    /// <summary>The built-in verdict on <c>git</c> with <paramref name="args"/>.</summary>
    public static Verdict Classify(ArgumentView args)
    {
        var words = args.Words;
        string? unsafeGlobal = null;
        var i = 0;
        for (; i < words.Count; i++)
        {
            var word = words[i];
            if (!word.IsStatic)
            {
                return Verdict.Dangerous("git with a subcommand expanded at run time");
            }

            if (!FlagSet.IsFlag(word.Value))
            {
                break;
            }

            var option = word.Value;
            if (option is not ("-C" or "--no-pager" or "-P"))
            {
                unsafeGlobal ??= option;
            }

            if (AliasDefinition(option, i + 1 < words.Count ? words[i + 1] : null) is { } redefinition)
            {
                return redefinition;
            }

            if (GlobalOptionsWithValue.Contains(option))
            {
                i++;
            }
        }

        if (i >= words.Count)
        {
            return Verdict.Ordinary("git without a subcommand");
        }

        var subcommand = words[i].Value;
        var rest = new ArgumentView([.. words.Skip(i + 1)], args.ReadsMoreFromInput);
        if (Dangerous(subcommand, rest) is { } danger)
        {
            return danger;
        }

        // Before the subcommand check: with -c even an unknown subcommand can be an alias that runs anything.
        if (unsafeGlobal is not null)
        {
            return Verdict.Ordinary(unsafeGlobal == "-c"
                ? "git with -c (configuration can run commands)"
                : $"git with the global option {unsafeGlobal}");
        }

        if (!ReadOnlySubcommands.Contains(subcommand))
        {
            return Verdict.Ordinary($"git {subcommand} is not a read-only git command");
        }

        // After the subcommand "-c" is merely the combined-diff format, but it is refused everywhere: a
        // reader of the line cannot be expected to tell the two apart.
        var unsafeOption = rest.Contains("-c") ? "-c" : rest.Values.FirstOrDefault(IsUnsafeLongOption);
        if (unsafeOption is not null)
        {
            return Verdict.Ordinary($"git {subcommand} with {unsafeOption}");
        }

        if (rest.AnyDynamic)
        {
            return Verdict.Ordinary($"git {subcommand} with an argument expanded at run time");
        }

        if (subcommand == "branch" && !ListsBranchesOnly(rest))
        {
            return Verdict.Ordinary("git branch that changes branches");
        }

        return Verdict.Safe("read-only git command");
    }

    private static Verdict? Dangerous(string subcommand, ArgumentView rest)
    {
        var mayBeFlag = rest.AnyMayBeFlag;
        switch (subcommand)
        {
            case "reset" when rest.HasLongOption("--hard"):
                return Verdict.Dangerous("git reset --hard discards uncommitted changes");
            case "reset" when mayBeFlag:
                return Verdict.Dangerous("git reset with an argument expanded at run time (could be --hard)");
            case "clean" when rest.HasShortFlag('f') || rest.HasLongOption("--force"):
                return Verdict.Dangerous("git clean -f deletes untracked files");
            case "clean" when mayBeFlag:
                return Verdict.Dangerous("git clean with an argument expanded at run time (could be -f)");
            case "push" when rest.HasShortFlag('f') || rest.HasLongOption("--force") || rest.HasLongOption("--force-with-lease")
                || rest.HasLongOption("--force-if-includes") || rest.HasLongOption("--mirror")
                || rest.Operands.Skip(1).Any(refspec => refspec.StartsWith('+')):
                return Verdict.Dangerous("git push --force rewrites the remote");
            case "push" when rest.HasShortFlag('d') || rest.HasLongOption("--delete") || rest.HasLongOption("--prune")
                || rest.Operands.Skip(1).Any(refspec => refspec.StartsWith(':')):
                return Verdict.Dangerous("git push that deletes remote branches");
            case "push" when mayBeFlag:
                return Verdict.Dangerous("git push with an argument expanded at run time (could be --force)");
            case "checkout" when rest.HasShortFlag('f') || rest.HasLongOption("--force") || rest.Contains(FlagSet.EndOfFlags) || rest.Contains("."):
                return Verdict.Dangerous("git checkout that discards uncommitted changes");
            case "restore" when !(rest.HasShortFlag('S') || rest.HasLongOption("--staged")) || rest.HasShortFlag('W') || rest.HasLongOption("--worktree"):
                return Verdict.Dangerous("git restore discards uncommitted changes");
            default:
                return null;
        }
    }

    // SPEC.md "When in doubt…": git -c alias.NAME=… makes NAME any git command, or any shell command
    // with "!", so no rule on the subcommand can be trusted; -c is read as git reads it, key case-insensitive.
    private static Verdict? AliasDefinition(string option, ShellWord? next)
    {
        string? setting = option switch
        {
            "-c" or "--config-env" when next is not null => next.IsStatic ? next.Value : null,
            _ when option.StartsWith("--config-env=", StringComparison.Ordinal) => option["--config-env=".Length..],
            _ => string.Empty,
        };
        if (setting is null)
        {
            return Verdict.Dangerous($"git {option} with a value expanded at run time (could redefine a subcommand)");
        }

        return setting.StartsWith("alias.", StringComparison.OrdinalIgnoreCase)
            ? Verdict.Dangerous("git -c alias.* redefines a subcommand")
            : null;
    }

    private static bool IsUnsafeLongOption(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? value : value[..equals];
        return !HarmlessLongOptions.Contains(name) && UnsafeLongOptions.Any(option => FlagSet.NamesLongOption(value, option));
    }

    // "git branch" lists when it has only listing options, and patterns only with --list.
    private static bool ListsBranchesOnly(ArgumentView rest)
    {
        var values = rest.Values;
        var listing = rest.Contains("-l") || rest.Contains("--list");
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (!FlagSet.IsFlag(value))
            {
                if (!listing)
                {
                    return false;
                }

                continue;
            }

            var equals = value.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? value : value[..equals];
            var known = value.StartsWith("--", StringComparison.Ordinal) || value.Length == 2
                ? BranchListingOptions.Contains(name)
                : FlagSet.Split(value).All(BranchListingOptions.Contains);
            if (!known)
            {
                return false;
            }

            if (equals < 0 && BranchOptionsWithValue.Contains(name))
            {
                i++;
            }
        }

        return true;
    }
}
