using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Policy;

/// <summary>The evidence for one simple command's verdict: the part, the rule that decided it (if any), and the verdict.</summary>
/// <param name="Part">The normalised, classified simple command.</param>
/// <param name="Rule">The strictest matching rule, or null when the built-in classification applied.</param>
/// <param name="Verdict">The effective verdict.</param>
public sealed record PartEvaluation(CommandPart Part, PolicyRule? Rule, PartVerdict Verdict)
{
    /// <summary>Set when <see cref="Rule"/> only might match (a word known only at run time could be what it names), saying why; such a rule asks, never denies.</summary>
    public string? MatchDoubt { get; init; }

    /// <summary>How the justification of a workspace rule is introduced: it is the agent's text, not the user's.</summary>
    public const string WorkspaceJustificationLabel = "justification written in a config inside the workspace, which the agent can write";

    /// <summary>One line explaining the verdict, for <c>check</c>, questions and the audit log.</summary>
    public string Explain()
    {
        if (Rule is null)
        {
            return $"`{Part.Text}`: {Part.Reason} ({Verdict.ToCode()})";
        }

        // The question shows this line as AgentExec's reason. A workspace rule's justification was written by whoever
        // can write the workspace, the agent included ("PRE-APPROVED by the security team"), so it says whose it is and
        // is quoted; a user rule's justification is the user's own words.
        var justification = Rule.Justification is not { Length: > 0 } why ? string.Empty
            : Rule.Origin == RuleOrigin.Workspace ? $" ({WorkspaceJustificationLabel}: \"{why}\")"
            : $": {why}";
        return MatchDoubt is { } doubt
            ? $"`{Part.Text}`: might match rule [{string.Join(' ', Rule.Pattern)}] ({Rule.Decision.ToCode()}) because {doubt}, so it asks{justification}"
            : $"`{Part.Text}`: rule [{string.Join(' ', Rule.Pattern)}] says {Rule.Decision.ToCode()}{justification}";
    }
}
