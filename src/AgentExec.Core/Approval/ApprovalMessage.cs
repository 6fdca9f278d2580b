using System.Globalization;
using System.Text;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;
using AgentExec.Core.Text;

namespace AgentExec.Core.Approval;

/// <summary>
/// Renders a question as the plain-text message a human reads (SPEC.md "Elicitation" <c>message</c>): AgentExec's own
/// lines first, then what came from the agent, the command's output or the risk model in labelled blocks.
/// </summary>
/// <remarks>
/// Every piece of text that did not come from AgentExec goes through <see cref="UntrustedText.EscapeLine"/>, which
/// shows newlines as <c>\n</c>: no such text can start a line, so no justification can forge a <c>Risk:</c> or
/// <c>Will run:</c> line, and no padding can push the end of the command below the summary. Clients may draw the
/// message as Markdown (VS Code does), so such text is also a code span nothing inside can end wherever it holds what
/// Markdown reads (<see cref="UntrustedText.InlineCode"/>, <see cref="UntrustedText.InlineText"/>). The layout is documented in
/// <c>docs/approval-question.md</c>; the terminal prompt of <c>agentexec run</c> shows the same lines.
/// </remarks>
public static class ApprovalMessage
{
    /// <summary>How the risk line names its source: an advisory model, not AgentExec's policy.</summary>
    public const string RiskSourceLabel = "from the risk model; advisory";

    /// <summary>
    /// The first sentence of a retry-without-sandbox question (SPEC.md). It claims no more than AgentExec knows: the
    /// command's own output decided that the sandbox blocked it, and the command controls its output.
    /// </summary>
    public const string RetryHeadline =
        "This command failed inside the sandbox, and its output looks like the sandbox blocked it. Retry it WITHOUT the sandbox?";

    /// <summary>The warning every retry question carries (SPEC.md "Elicitation").</summary>
    public const string RetryWarning =
        "the sandboxed attempt already ran and may have changed what the retry will run (files, scripts, configuration it reads); this approves one retry only.";

    /// <summary>The label of the agent's justification block.</summary>
    public const string JustificationLabel = "Justification (from the agent)";

    /// <summary>The label of the sandbox-failure block of a retry question.</summary>
    public const string SandboxFailureLabel = "Sandbox failure (the command's own output)";

    /// <summary>The whole message: the server's lines, then the justification, sandbox-failure and risk blocks.</summary>
    public static string Render(ApprovalQuestion question)
    {
        var text = new StringBuilder();
        if (question.IsRetryWithoutSandbox)
        {
            text.Append(RetryHeadline).Append('\n');
        }

        text.Append(AllowLine(question))
            .Append(question.Network is null ? "\nWill run: " : "\nRunning: ").Append(Summary(question))
            .Append("\nWorking directory: ").Append(UntrustedText.InlineText(question.WorkingDirectory))
            .Append("\nSandbox: ").Append(SandboxDescription(question));

        foreach (var reason in question.Reasons)
        {
            text.Append("\nWhy this asks: ").Append(ReasonLine(reason));
        }

        if (question.IsRetryWithoutSandbox)
        {
            text.Append("\nWarning: ").Append(RetryWarning);
        }

        if (question.Justification is { Length: > 0 } justification)
        {
            text.Append('\n').Append(JustificationLabel).Append(": ").Append(UntrustedText.InlineText(justification));
        }

        if (question.SandboxFailure is { Length: > 0 } failure)
        {
            text.Append('\n').Append(SandboxFailureLabel).Append(": ").Append(UntrustedText.InlineText(failure));
        }

        if (question.Risk is { } risk)
        {
            // SPEC.md's line, its source named at the end; the category and the description are the model's text.
            text.Append("\nRisk: ").Append(risk.LevelCode.ToUpperInvariant())
                .Append(" (").Append(UntrustedText.EscapeLine(risk.Category)).Append(") — ")
                .Append(UntrustedText.InlineText(risk.Description))
                .Append(" [").Append(RiskSourceLabel).Append(']');
        }

        return text.ToString();
    }

    /// <summary>
    /// ``Allow the agent to run `COMMAND` in `CWD`?``, both escaped onto this one line; for a network question
    /// ``Allow `COMMAND` to connect to HOST:PORT?`` (SPEC.md "Network allow-list").
    /// </summary>
    /// <remarks>Each value is its own Markdown code span (<see cref="UntrustedText.InlineCode"/>): a backtick in the command cannot end it.</remarks>
    public static string AllowLine(ApprovalQuestion question) => question.Network is { } target
        ? "Allow " + UntrustedText.InlineCode(question.CommandLine) + " to connect to " + UntrustedText.InlineText(target.ToString()) + "?"
        : "Allow the agent to run " + UntrustedText.InlineCode(question.CommandLine)
            + " in " + UntrustedText.InlineCode(question.WorkingDirectory) + "?";

    // The policy's words, but they quote the command (and a workspace rule's words): escaped like the command itself. A
    // reason of the usual shape, a part in one code span (`rm -rf x`: needs a question) with nothing after it that Markdown
    // reads, is shown as it is, since the span is already inert; any other (the part holds a backtick, or the words a
    // link, HTML or a character reference) becomes one code span as a whole, which nothing in it can end.
    private static string ReasonLine(string reason)
    {
        var escaped = UntrustedText.EscapeLine(reason);
        var close = escaped.Length > 1 && escaped[0] == '`' ? escaped.IndexOf('`', 1) : -1;
        return close > 0 && !UntrustedText.HoldsMarkdown(escaped.AsSpan(close + 1)) ? escaped : UntrustedText.InlineTextOfEscaped(escaped);
    }

    /// <summary>
    /// What the parser found will run: <c>3 commands: ls; curl; sh</c>, every simple command counted (nested scripts and
    /// substitutions included), each program named once in source order with its wrappers and a repeat count.
    /// </summary>
    /// <remarks>
    /// Repeats are folded (<c>true ×500; curl</c>) so that padding with a harmless command cannot push the others out
    /// of view. A line the parser did not fully understand says so first, since the list may then be incomplete.
    /// </remarks>
    public static string Summary(ApprovalQuestion question)
    {
        var text = new StringBuilder();
        if (question.UnknownReason is { } unknown)
        {
            text.Append("not fully understood (").Append(UntrustedText.InlineText(unknown)).Append("); found ");
        }

        var count = question.Parts.Count;
        text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(count == 1 ? " command" : " commands");
        if (count == 0)
        {
            return text.ToString();
        }

        var names = new List<string>();
        var repeats = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in question.Parts)
        {
            var name = ProgramName(part);
            if (repeats.TryGetValue(name, out var seen))
            {
                repeats[name] = seen + 1;
            }
            else
            {
                repeats[name] = 1;
                names.Add(name);
            }
        }

        text.Append(": ").AppendJoin("; ", names.Select(name => repeats[name] == 1
            ? name
            : name + " ×" + repeats[name].ToString(CultureInfo.InvariantCulture)));
        return text.ToString();
    }

    /// <summary>
    /// The sandbox the command will run in: <c>workspace-write (bubblewrap)</c>, or <c>none — outside the sandbox</c>
    /// when the question asks to run it unsandboxed.
    /// </summary>
    public static string SandboxDescription(ApprovalQuestion question) => question.Escalation switch
    {
        EscalationKind.RequireEscalated => "none — outside the sandbox (the agent asks to run without " + question.Sandbox.ToCode() + ")",
        EscalationKind.RetryWithoutSandbox => "none — outside the sandbox (this retry runs without " + question.Sandbox.ToCode() + ")",
        _ when question.SandboxBackend == SandboxBackendKind.None => "none (" + question.Sandbox.ToCode() + ")",
        _ => question.Sandbox.ToCode() + " (" + question.SandboxBackend.ToCode() + ")",
    };

    // The program as the part runs it, wrappers first (`sudo rm`). A name with anything but the characters of an
    // ordinary program name is quoted, so that a name such as `ls; curl` cannot pass for two entries of the list, and
    // is a Markdown code span inside the quotes when it holds Markdown, so that it cannot be drawn as a link either.
    private static string ProgramName(CommandPart part)
    {
        var words = part.Wrappers.Append(part.Program).Select(word => IsPlainName(word) ? word : "\"" + UntrustedText.InlineText(word) + "\"");
        return string.Join(' ', words);
    }

    // `[` and `[[` are the test command itself; any other bracket could start a Markdown link, so it is quoted as a span.
    private static bool IsPlainName(string word) =>
        word is "[" or "[["
        || (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' or '/' or '@' or ':' or ',' or '='));
}
