using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Tests.Core.Approval;

namespace AgentExec.Tests.Core.Audit;

/// <summary><c>audit show</c> prints a recorded question with the same escaping as the question itself (SPEC.md "Elicitation").</summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
public sealed class AuditDisplayOfQuestionsTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_recorded_question_is_shown_on_one_line_with_format_and_separator_characters_escaped()
    {
        // Arrange: the reader sees the raw file, so the message is written as a hostile file could hold it.
        var path = _directory.File("audit.jsonl");
        var log = new JsonLinesAuditLog(path, ManualTimeProvider.At("2026-11-25T10:00:00.123Z"));
        var message = ApprovalMessage.Render(TestQuestions.About("rm -rf build")) + "\u2028Risk: LOW\u200b\u00ad\u2066\U000E0041";
        await log.AppendAsync(
            new AuditEvent(AuditEventNames.ElicitationSent, new JsonObject { ["approval_id"] = "a1", ["message"] = message }),
            CancellationToken.None);

        // Act
        var line = AuditLogReader.ReadAll(path).Single().ToDisplayLine();

        // Assert
        Assert.DoesNotContain('\n', line);
        Assert.EndsWith("\\u2028Risk: LOW\\u200B\\xAD\\u2066\\U000E0041\"", line, StringComparison.Ordinal);
        Assert.Contains("message=\"Allow the agent to run `rm -rf build` in `/work`?\\nWill run: 1 command: rm\\n", line, StringComparison.Ordinal);
    }
}
