using System.Text;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Execution;
using AgentExec.Core.Text;

namespace AgentExec.Cli.Terminal;

/// <summary>
/// Asks on the terminal for <c>agentexec run</c>: the question on stderr, the answer from the controlling terminal.
/// Approve once, deny or abort; no terminal, end of input, Ctrl-C, an unknown answer or the timeout all deny.
/// </summary>
internal sealed class TerminalApprovalChannel(ITerminal terminal, TimeProvider timeProvider) : IApprovalChannel
{
    /// <inheritdoc />
    public bool CanAsk => terminal.CanRead;

    /// <inheritdoc />
    public ApprovalReason CannotAskReason => ApprovalReason.NoResponse;

    /// <inheritdoc />
    public async Task<ApprovalOutcome> AskAsync(ApprovalQuestion question, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Until the answer is in, nothing the running command prints reaches the screen the question is on.
        using var commandOutput = terminal.HoldCommandOutput();
        await terminal.Output.WriteAsync(Render(question, terminal.Style)).ConfigureAwait(false);
        await terminal.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

        // Only an answer to this question counts: keys typed before it was on screen (while the sandboxed attempt ran
        // and printed a prompt of its own, during an assessment, or a paste) would otherwise approve it unseen, and a
        // retry question runs the command outside the sandbox.
        terminal.DiscardTypedAhead();

        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        string? answer;
        try
        {
            answer = await terminal.ReadLineAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await terminal.Output.WriteLineAsync().ConfigureAwait(false);
            return cancellationToken.IsCancellationRequested
                ? new ApprovalOutcome(ApprovalDecision.Abort, ApprovalSource.User, ApprovalReason.UserCancelled, AnswerShape: "interrupted")
                : ApprovalOutcome.DeniedByChannel(ApprovalReason.NoResponse, "timeout");
        }

        return Interpret(answer);
    }

    /// <summary>Maps a typed answer to an outcome: y/yes approve once, n/no or an empty line deny, a/abort abort, anything else denies.</summary>
    internal static ApprovalOutcome Interpret(string? answer) => answer?.Trim().ToLowerInvariant() switch
    {
        null => ApprovalOutcome.DeniedByChannel(ApprovalReason.NoResponse, "end of input"),
        "y" or "yes" => new ApprovalOutcome(ApprovalDecision.Approved, ApprovalSource.User, ApprovalReason.UserApproved, AnswerShape: "terminal: yes"),
        "" or "n" or "no" => new ApprovalOutcome(ApprovalDecision.Denied, ApprovalSource.User, ApprovalReason.UserDeclined, AnswerShape: "terminal: no"),
        "a" or "abort" => new ApprovalOutcome(ApprovalDecision.Abort, ApprovalSource.User, ApprovalReason.UserCancelled, AnswerShape: "terminal: abort"),
        _ => ApprovalOutcome.DeniedByChannel(ApprovalReason.MalformedResponse, "terminal: unrecognised answer"),
    };

    /// <inheritdoc />
    public string Render(ApprovalQuestion question) => Render(question, static (text, _) => text);

    // The lines of ApprovalMessage with terminal styling on AgentExec's words only: every piece of outside text goes
    // through UntrustedText.EscapeLine, so none of it can start a line or carry a colour. The headline comes first; the
    // lines that say what will run, where and in which sandbox come last, right above the prompt, because the
    // command's output shares this terminal: a long labelled block or output that scrolled the screen (SaneTerminalWriter)
    // can push the top of the question out of view, never the lines the answer is given beside.
    private static string Render(ApprovalQuestion question, Func<string, string, string> style)
    {
        var text = new StringBuilder();
        text.AppendLine();
        if (question.IsRetryWithoutSandbox)
        {
            text.AppendLine(style("agentexec: " + ApprovalMessage.RetryHeadline, TerminalText.Bold));
            text.AppendLine("  " + ApprovalMessage.AllowLine(question));
        }
        else
        {
            text.AppendLine(style("agentexec: ", TerminalText.Bold) + ApprovalMessage.AllowLine(question));
        }

        foreach (var reason in question.Reasons)
        {
            text.Append("  why:       ").AppendLine(UntrustedText.EscapeLine(reason));
        }

        if (question.Justification is { Length: > 0 } justification)
        {
            text.Append("  ").Append(ApprovalMessage.JustificationLabel).Append(": ").AppendLine(UntrustedText.EscapeLine(justification));
        }

        if (question.SandboxFailure is { Length: > 0 } failure)
        {
            text.Append("  ").Append(ApprovalMessage.SandboxFailureLabel).Append(": ").AppendLine(UntrustedText.EscapeLine(failure));
        }

        if (question.Risk is { } risk)
        {
            text.Append("  Risk: ").Append(style(risk.LevelCode.ToUpperInvariant(), LevelStyle(risk.Level)))
                .Append(" (").Append(UntrustedText.EscapeLine(risk.Category)).Append(") — ").Append(UntrustedText.EscapeLine(risk.Description))
                .Append(" [").Append(ApprovalMessage.RiskSourceLabel).AppendLine("]");
        }

        if (question.IsRetryWithoutSandbox)
        {
            text.Append("  warning:   ").AppendLine(ApprovalMessage.RetryWarning);
        }

        text.Append("  directory: ").AppendLine(UntrustedText.EscapeLine(question.WorkingDirectory))
            .Append(question.Network is null ? "  will run:  " : "  running:   ").AppendLine(ApprovalMessage.Summary(question))
            .Append("  sandbox:   ").AppendLine(question.Escalation == EscalationKind.None
                ? ApprovalMessage.SandboxDescription(question)
                : style(ApprovalMessage.SandboxDescription(question), TerminalText.Red));

        text.Append(style("Allow?", TerminalText.Bold)).Append(" [y] approve once  [n] deny (default)  [a] abort: ");
        return text.ToString();
    }

    private static string LevelStyle(RiskLevel level) => level switch
    {
        RiskLevel.Low => TerminalText.Green,
        RiskLevel.Medium => TerminalText.Cyan,
        _ => TerminalText.Red,
    };
}
