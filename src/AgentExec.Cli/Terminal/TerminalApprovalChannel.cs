using System.Text;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Policy;

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
        await terminal.Output.WriteAsync(Render(question)).ConfigureAwait(false);
        await terminal.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

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

    private string Render(ApprovalQuestion question)
    {
        var text = new StringBuilder();
        text.AppendLine()
            .AppendLine(terminal.Style(question.IsRetryWithoutSandbox ? "agentexec: the sandbox denied this command; retry it WITHOUT the sandbox?" : "agentexec: this command needs your approval", TerminalText.Bold))
            .Append("  command:   ").AppendLine(UntrustedText.EscapeLine(question.CommandLine))
            .Append("  directory: ").AppendLine(UntrustedText.EscapeLine(question.WorkingDirectory));
        if (question.Escalation == EscalationKind.RequireEscalated)
        {
            text.Append("  sandbox:   ").AppendLine(terminal.Style("asks to run OUTSIDE the sandbox", TerminalText.Red));
        }
        else
        {
            text.Append("  sandbox:   ").AppendLine(question.IsRetryWithoutSandbox ? terminal.Style("none (retry without sandbox)", TerminalText.Red) : question.Sandbox.ToCode());
        }

        if (question.Justification is { Length: > 0 } justification)
        {
            text.Append("  justification (from the caller): ").AppendLine(UntrustedText.EscapeLine(justification));
        }

        foreach (var reason in question.Reasons)
        {
            text.Append("  why:       ").AppendLine(UntrustedText.EscapeLine(reason));
        }

        if (question.SandboxFailure is { Length: > 0 } failure)
        {
            text.AppendLine("  sandbox failure (command output, written by the command itself):");
            foreach (var line in UntrustedText.Escape(failure).Split('\n'))
            {
                text.Append("    | ").AppendLine(line);
            }

            text.AppendLine("  The sandboxed attempt may have changed what the retry will run; this approves one retry only.");
        }

        if (question.Risk is { } risk)
        {
            text.Append("  risk (from the risk model): ").Append(terminal.Style(risk.LevelCode.ToUpperInvariant(), LevelStyle(risk.Level)))
                .Append(" (").Append(UntrustedText.EscapeLine(risk.Category)).Append(") — ").AppendLine(UntrustedText.EscapeLine(risk.Description));
        }

        text.Append(terminal.Style("Allow?", TerminalText.Bold)).Append(" [y] approve once  [n] deny (default)  [a] abort: ");
        return text.ToString();
    }

    private static string LevelStyle(RiskLevel level) => level switch
    {
        RiskLevel.Low => TerminalText.Green,
        RiskLevel.Medium => TerminalText.Cyan,
        _ => TerminalText.Red,
    };
}
