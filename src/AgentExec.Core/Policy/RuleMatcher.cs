using AgentExec.Core.Commands;

namespace AgentExec.Core.Policy;

/// <summary>
/// Decides whether a rule's pattern matches a normalised simple command (SPEC.md "Policy", rules): equal
/// program names, the pattern's other non-flag tokens a prefix of the command's non-flag arguments, and
/// every pattern flag (combined short flags split) among the command's flags, wherever they stand.
/// </summary>
internal static class RuleMatcher
{
    /// <summary>True when <paramref name="rule"/> matches <paramref name="part"/>.</summary>
    public static bool Matches(PolicyRule rule, CommandPart part)
    {
        if (rule.Pattern.Count == 0 || !string.Equals(ProgramName(rule.Pattern[0]), part.Program, StringComparison.Ordinal))
        {
            return false;
        }

        var patternArguments = rule.Pattern.Skip(1).ToArray();
        var patternOperands = FlagSet.NonFlagArguments(patternArguments);
        var commandOperands = FlagSet.NonFlagArguments(part.Arguments);
        if (patternOperands.Count > commandOperands.Count)
        {
            return false;
        }

        for (var i = 0; i < patternOperands.Count; i++)
        {
            if (!string.Equals(patternOperands[i], commandOperands[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return FlagSet.ShortAndLongFlags(patternArguments).IsSubsetOf(FlagSet.ShortAndLongFlags(part.Arguments));
    }

    // A rule written as ["/bin/rm", ...] means rm: the same reduction the parser applies to commands.
    private static string ProgramName(string program)
    {
        var slash = program.LastIndexOf('/');
        return slash >= 0 ? program[(slash + 1)..] : program;
    }
}
