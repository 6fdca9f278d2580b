using System.Text.RegularExpressions;
using AgentExec.Cli.Terminal;
using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;
using AgentExec.Tests.Cli;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Pipeline;

/// <summary>
/// The ask step records the question as the channel that puts it shows it: the terminal's audit record is the text the
/// human read on the terminal, not the MCP message they never saw.
/// </summary>
public sealed partial class QuestionRecordTests
{
    [Fact]
    public async Task The_terminal_question_is_recorded_as_the_terminal_showed_it_without_its_colours()
    {
        // Arrange: a command that asks under on-failure, an interactive terminal (so the prompt is styled) that says no.
        using var workspace = new TemporaryDirectory();
        var audit = new RecordingAuditLog();
        var pipeline = PipelineFactory.Create(PipelineFactory.Settings(workspace.Path), audit);
        var terminal = new FakeTerminal(interactive: true);
        terminal.Answer("n");

        // Act
        var result = await pipeline.ExecuteAsync(
            new ExecRequest("rm -rf build", workspace.Path, TimeSpan.FromSeconds(30), "tidy up", EscalationKind.None, "terminal-call"),
            new TerminalApprovalChannel(terminal, TimeProvider.System),
            null,
            CancellationToken.None);

        // Assert: the styled prompt (positive control: it has colours) is, without them, exactly what was recorded.
        Assert.Equal(ApprovalReason.UserDeclined, result.Approval?.Reason);
        var shown = terminal.Written.ToString();
        Assert.Contains('\u001b', shown);
        var recorded = audit.Events.Single(e => e.Name == AuditEventNames.ElicitationSent).Fields["message"]!.GetValue<string>();
        Assert.Equal(AnsiStyle().Replace(shown, string.Empty), recorded);
        Assert.Contains("[y] approve once", recorded, StringComparison.Ordinal);
    }

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex AnsiStyle();
}
