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

        var pattern = CommandArguments.Split(rule.Pattern.Skip(1).ToArray());
        var command = CommandArguments.Split(part.Arguments);

        if (pattern.Operands.Count > command.Operands.Count)
        {
            return false;
        }

        for (var i = 0; i < pattern.Operands.Count; i++)
        {
            if (!string.Equals(pattern.Operands[i], command.Operands[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return pattern.Flags.IsSubsetOf(command.Flags);
    }

    // A rule written as ["/bin/rm", ...] means rm: the same reduction the parser applies to commands.
    private static string ProgramName(string program)
    {
        var slash = program.LastIndexOf('/');
        return slash >= 0 ? program[(slash + 1)..] : program;
    }
}
