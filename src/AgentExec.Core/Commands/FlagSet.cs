namespace AgentExec.Core.Commands;

/// <summary>
/// What counts as a flag in an argument list for the built-in classifier (SPEC.md "Policy", step 2:
/// combined short flags compare as sets). Rule matching reads arguments with each program's own table
/// instead (<see cref="Policy.ArgumentReader"/>), sharing only <see cref="IsFlag"/> and <see cref="EndOfFlags"/>.
/// </summary>
/// <remarks>
/// The helper knows no program's option table, so it cannot tell that <c>-o file</c> takes a value:
/// <c>file</c> counts as a non-flag argument, and a cluster with an attached value (<c>-n5</c>, <c>-t,</c>)
/// splits into letters (<c>-n</c>, <c>-5</c>). Single-dash long options (<c>find -delete</c>) split the same
/// way on both sides of a comparison, so a rule still matches them, if loosely. Callers that need exact
/// options (the classifier for <c>find</c>, <c>sed</c>, <c>git</c>) read the arguments themselves.
/// </remarks>
internal static class FlagSet
{
    /// <summary>The argument that ends the flags: everything after it is an operand, even <c>-rf</c>.</summary>
    public const string EndOfFlags = "--";

    /// <summary>
    /// Every flag in <paramref name="args"/> before <c>--</c>: short clusters split into single flags
    /// (<c>-rf</c> → <c>-r</c>, <c>-f</c>), long options under their name and, when they carry a value,
    /// also as written (<c>--output=x</c> → <c>--output</c>, <c>--output=x</c>).
    /// </summary>
    public static IReadOnlySet<string> ShortAndLongFlags(IReadOnlyList<string> args)
    {
        var flags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var arg in args)
        {
            if (arg == EndOfFlags)
            {
                break;
            }

            flags.UnionWith(Split(arg));
        }

        return flags;
    }

    /// <summary>
    /// The operands of <paramref name="args"/>, in order: arguments that do not start with <c>-</c>,
    /// a lone <c>-</c> (standard input), and everything after the first <c>--</c>.
    /// </summary>
    public static IReadOnlyList<string> NonFlagArguments(IReadOnlyList<string> args)
    {
        var operands = new List<string>();
        var flagsEnded = false;
        foreach (var arg in args)
        {
            if (!flagsEnded && arg == EndOfFlags)
            {
                flagsEnded = true;
            }
            else if (flagsEnded || !IsFlag(arg))
            {
                operands.Add(arg);
            }
        }

        return operands;
    }

    /// <summary>True when <paramref name="arg"/> is written as a flag (<c>-x</c>, <c>-xyz</c>, <c>--name</c>); <c>-</c> and <c>--</c> are not.</summary>
    public static bool IsFlag(string arg) => arg.Length > 1 && arg[0] == '-' && arg != EndOfFlags;

    /// <summary>The flags one argument stands for: none for an operand, one per letter for a short cluster, the name (and the whole text when it has a value) for a long option.</summary>
    public static IReadOnlyList<string> Split(string arg)
    {
        if (!IsFlag(arg))
        {
            return [];
        }

        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            return equals < 0 ? [arg] : [arg[..equals], arg];
        }

        var letters = new string[arg.Length - 1];
        for (var i = 1; i < arg.Length; i++)
        {
            letters[i - 1] = string.Concat("-", arg.AsSpan(i, 1));
        }

        return letters;
    }

    /// <summary>
    /// True when <paramref name="arg"/> is the long option <paramref name="longOption"/> (given with its
    /// dashes), written in full or abbreviated, with or without <c>=value</c>.
    /// </summary>
    /// <remarks>
    /// GNU getopt and git's option parser accept any unambiguous prefix (<c>sort --out=f</c> is
    /// <c>--output</c>), so a check for a dangerous long option must accept its prefixes too. Treating an
    /// ambiguous prefix as a match is deliberately strict: the program would reject it anyway.
    /// </remarks>
    public static bool NamesLongOption(string arg, string longOption)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length < 3)
        {
            return false;
        }

        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? arg : arg[..equals];
        return name.Length >= 3 && longOption.StartsWith(name, StringComparison.Ordinal);
    }
}
