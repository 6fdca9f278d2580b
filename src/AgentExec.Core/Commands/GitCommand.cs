namespace AgentExec.Core.Commands;

/// <summary>Which <c>git</c> commands destroy work (what only reads is <see cref="GitInspection"/>'s to prove).</summary>
/// <remarks>
/// Dangerous: <c>reset --hard</c>, <c>clean -f</c>, force or deleting pushes, and the forms of
/// <c>checkout</c>/<c>restore</c> that throw away uncommitted changes, which no reflog can bring back.
/// Deleting a branch (<c>branch -D</c>) stays ordinary: its commits remain in the reflog.
/// </remarks>
internal static class GitCommand
{
    private static readonly HashSet<string> GlobalOptionsWithValue = ["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix", "--list-cmds"];

    /// <summary>The built-in verdict on <c>git</c> with <paramref name="args"/>.</summary>
    public static Verdict Classify(ArgumentView args)
    {
        var words = args.Words;
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

        return Verdict.Ordinary("git that destroys no work");
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
}
