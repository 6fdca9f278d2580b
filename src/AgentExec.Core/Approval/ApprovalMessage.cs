using System.Text;
using AgentExec.Core.Policy;

namespace AgentExec.Core.Approval;

/// <summary>
/// Renders a question as the plain-text message a human reads (SPEC.md "Elicitation" <c>message</c>). Every
/// piece of untrusted text is escaped and labelled with where it came from.
/// </summary>
public static class ApprovalMessage
{
    /// <summary>How the risk line names its source: an advisory model, not AgentExec's policy.</summary>
    public const string RiskSourceLabel = "from the risk model; advisory";

    /// <summary>The message's first line, then the justification, the reasons, the sandbox failure and the risk.</summary>
    public static string Render(ApprovalQuestion question)
    {
        var text = new StringBuilder();
        text.Append(question.IsRetryWithoutSandbox ? "The sandbox denied this command. Retry it WITHOUT the sandbox? " : string.Empty)
            .Append("Allow the agent to run `").Append(UntrustedText.Escape(question.CommandLine))
            .Append("` in `").Append(UntrustedText.Escape(question.WorkingDirectory)).Append("`?");

        if (question.Escalation == EscalationKind.RequireEscalated)
        {
            text.Append("\nIt asks to run OUTSIDE the sandbox (").Append(question.Sandbox.ToCode()).Append(" would not apply).");
        }

        if (question.Justification is { Length: > 0 } justification)
        {
            text.Append("\nJustification (from the agent): ").Append(UntrustedText.Escape(justification));
        }

        foreach (var reason in question.Reasons)
        {
            text.Append("\nWhy this asks: ").Append(UntrustedText.Escape(reason));
        }

        if (question.SandboxFailure is { Length: > 0 } failure)
        {
            text.Append("\nSandbox failure (command output, may be written by the command itself):\n")
                .Append(UntrustedText.Escape(failure));
        }

        if (question.IsRetryWithoutSandbox)
        {
            text.Append("\nWarning: the sandboxed attempt already ran and printed the text above itself; it may have changed what the retry will run. This approval is for one retry only.");
        }

        if (question.Risk is { } risk)
        {
            // SPEC.md's line, then its source: the description is the model's text, so it stays on this one line
            // (a line break in it could pass for a line of ours) and is labelled as advice, not a verdict.
            text.Append("\nRisk: ").Append(risk.LevelCode.ToUpperInvariant())
                .Append(" (").Append(UntrustedText.Escape(risk.Category)).Append(") — ")
                .Append(UntrustedText.Escape(OneLine(risk.Description)))
                .Append(" [").Append(RiskSourceLabel).Append(']');
        }

        return text.ToString();
    }

    private static string OneLine(string text) =>
        text.ReplaceLineEndings(" ").Replace('\t', ' ');
}
