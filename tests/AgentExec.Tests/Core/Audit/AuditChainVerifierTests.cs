using System.Runtime.Versioning;
using System.Text;
using System.Text.Json.Nodes;
using AgentExec.Core.Audit;

namespace AgentExec.Tests.Core.Audit;

[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
public sealed class AuditChainVerifierTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly string _path;

    public AuditChainVerifierTests() => _path = _directory.File("audit.jsonl");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_log_written_by_the_writer_verifies_and_reports_its_head()
    {
        // Arrange
        var heads = await AuditFileEdits.WriteEventsAsync(_path, 4);

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(
            new AuditVerification { Head = heads[^1], LineCount = 4, EventCount = 4, RecoveredDamage = verification.RecoveredDamage },
            verification);
        Assert.Empty(verification.RecoveredDamage);
    }

    [Fact]
    public void An_empty_log_verifies_with_no_head()
    {
        // Arrange
        File.WriteAllText(_path, "");

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.True(verification.IsValid);
        Assert.Null(verification.Head);
    }

    [Fact]
    public void A_missing_log_is_reported_as_unreadable()
    {
        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(AuditDefectKind.Unreadable, verification.Defect?.Kind);
        Assert.Null(verification.Defect?.Line);
    }

    [Fact]
    public async Task An_edited_field_is_a_hash_mismatch_on_that_line()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 4);
        var lines = AuditFileEdits.ReadTextLines(_path);
        lines[2] = lines[2].Replace("echo 3", "echo 9", StringComparison.Ordinal);
        AuditFileEdits.WriteTextLines(_path, lines);

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(3, verification.Defect?.Line);
        Assert.Equal(AuditDefectKind.HashMismatch, verification.Defect?.Kind);
        Assert.Equal(2, verification.Head?.Seq);
    }

    [Fact]
    public async Task An_edited_line_with_a_recomputed_hash_breaks_the_next_lines_prev()
    {
        // Arrange: a tamperer who knows the format rehashes the edited line, but not everything after it.
        await AuditFileEdits.WriteEventsAsync(_path, 4);
        var lines = AuditFileEdits.ReadTextLines(_path);
        var edited = lines[1].Replace("echo 2", "echo 9", StringComparison.Ordinal);
        var marker = edited.LastIndexOf(",\"hash\":", StringComparison.Ordinal);
        var prefix = edited[..marker];
        lines[1] = prefix + ",\"hash\":\"" + AuditLineFormat.ComputeHash(Encoding.UTF8.GetBytes(prefix)) + "\"}";
        AuditFileEdits.WriteTextLines(_path, lines);

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(3, verification.Defect?.Line);
        Assert.Equal(AuditDefectKind.PrevMismatch, verification.Defect?.Kind);
    }

    [Fact]
    public async Task A_deleted_line_is_reported_on_the_line_after_the_gap()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 4);
        var lines = AuditFileEdits.ReadLines(_path);
        lines.RemoveAt(1);
        AuditFileEdits.WriteLines(_path, lines);

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(new AuditDefect(2, AuditDefectKind.SeqNotConsecutive, "seq is 3, but the event before it has seq 1"), verification.Defect);
    }

    [Fact]
    public async Task Deleting_the_first_line_is_detected_because_the_chain_must_start_at_seq_1()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 3);
        AuditFileEdits.WriteLines(_path, AuditFileEdits.ReadLines(_path).Skip(1));

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(new AuditDefect(1, AuditDefectKind.SeqNotConsecutive, "seq is 2, but the first event has seq 1"), verification.Defect);
    }

    [Fact]
    public async Task Swapped_lines_are_reported_at_the_first_of_them()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 4);
        var lines = AuditFileEdits.ReadLines(_path);
        (lines[1], lines[2]) = (lines[2], lines[1]);
        AuditFileEdits.WriteLines(_path, lines);

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(2, verification.Defect?.Line);
        Assert.Equal(AuditDefectKind.SeqNotConsecutive, verification.Defect?.Kind);
    }

    [Fact]
    public async Task A_truncated_last_line_is_a_torn_last_line_and_fails()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 3);
        var bytes = File.ReadAllBytes(_path);
        File.WriteAllBytes(_path, bytes[..^20]);

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(3, verification.Defect?.Line);
        Assert.Equal(AuditDefectKind.TornLastLine, verification.Defect?.Kind);
        Assert.Equal(new AuditHead(2, verification.Head!.Hash), verification.Head);
    }

    [Fact]
    public async Task A_torn_line_named_by_a_recovery_event_passes_and_is_listed()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 2);
        AuditFileEdits.AppendText(_path, "{\"seq\":3,\"ts\"");
        var head = await new JsonLinesAuditLog(_path, TimeProvider.System)
            .AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);

        // Act
        var verification = AuditChainVerifier.Verify(_path, head);

        // Assert
        Assert.True(verification.IsValid, verification.Defect?.ToString());
        Assert.Equal(head, verification.Head);
        Assert.Equal([new AuditRecoveredDamage(3, 1, 13, 4, 3)], verification.RecoveredDamage);
        Assert.Equal(
            "line 3 torn (13 bytes), recovered by the recovery event on line 4 (seq 3)",
            verification.RecoveredDamage[0].ToString());
    }

    [Fact]
    public async Task Rewriting_torn_bytes_after_their_recovery_is_detected()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 2);
        AuditFileEdits.AppendText(_path, "{\"seq\":3,\"ts\"");
        await new JsonLinesAuditLog(_path, TimeProvider.System).AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);
        var lines = AuditFileEdits.ReadTextLines(_path);
        lines[2] = "{\"seq\":3,\"tX\"";
        AuditFileEdits.WriteTextLines(_path, lines);

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(3, verification.Defect?.Line);
        Assert.Equal(AuditDefectKind.RecoveryMismatch, verification.Defect?.Kind);
    }

    [Fact]
    public async Task A_damaged_line_in_the_middle_with_no_recovery_fails_with_its_own_reason()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 3);
        var lines = AuditFileEdits.ReadTextLines(_path);
        lines.Insert(1, "not json at all");
        AuditFileEdits.WriteTextLines(_path, lines);

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(2, verification.Defect?.Line);
        Assert.Equal(AuditDefectKind.NotJson, verification.Defect?.Kind);
    }

    [Fact]
    public async Task An_edited_last_line_stays_a_failure_after_a_writer_recovers_past_it()
    {
        // Arrange: the writer keeps the log going past any line that does not verify, but only a crash is excused.
        await AuditFileEdits.WriteEventsAsync(_path, 3);
        var lines = AuditFileEdits.ReadTextLines(_path);
        lines[2] = lines[2].Replace("echo 3", "echo 9", StringComparison.Ordinal);
        AuditFileEdits.WriteTextLines(_path, lines);
        await new JsonLinesAuditLog(_path, TimeProvider.System).AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal("recovery", AuditLogReader.ReadAll(_path).ElementAt(3).EventName);
        Assert.Equal(3, verification.Defect?.Line);
        Assert.Equal(AuditDefectKind.HashMismatch, verification.Defect?.Kind);
    }

    [Fact]
    public async Task A_recovery_event_with_no_damage_before_it_fails()
    {
        // Arrange: a well-chained recovery event that names damage which is not there.
        var heads = await AuditFileEdits.WriteEventsAsync(_path, 1);
        var (line, _) = AuditLineFormat.Encode(
            2, DateTimeOffset.UnixEpoch, AuditEventNames.Recovery, new JsonObject { ["torn_line"] = 1 }, heads[0].Hash);
        AuditFileEdits.AppendText(_path, Encoding.UTF8.GetString(line) + "\n");

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(2, verification.Defect?.Line);
        Assert.Equal(AuditDefectKind.RecoveryMismatch, verification.Defect?.Kind);
    }

    [Theory]
    [InlineData("[1,2]", AuditDefectKind.NotJson)]
    [InlineData("", AuditDefectKind.NotJson)]
    [InlineData("{\"seq\":2,\"ts\":\"t\",\"event\":\"e\",\"prev\":\"p\"}", AuditDefectKind.MissingFields)]
    [InlineData("{\"seq\":2,\"ts\":\"t\",\"event\":\"e\",\"hash\":\"h\",\"prev\":\"p\"}", AuditDefectKind.HashNotLast)]
    [InlineData("{\"ts\":\"t\",\"seq\":2,\"event\":\"e\",\"prev\":\"p\",\"hash\":\"h\"}", AuditDefectKind.MalformedFields)]
    public async Task A_line_that_is_not_an_event_is_named_with_the_reason(string line, AuditDefectKind expected)
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 1);
        AuditFileEdits.AppendText(_path, line + "\n");

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(2, verification.Defect?.Line);
        Assert.Equal(expected, verification.Defect?.Kind);
    }

    [Fact]
    public async Task A_hash_member_with_a_space_is_not_the_canonical_form()
    {
        // Arrange: the hashed prefix is defined by the exact bytes ,"hash": so a reformatted line cannot verify.
        await AuditFileEdits.WriteEventsAsync(_path, 1);
        var lines = AuditFileEdits.ReadTextLines(_path);
        lines[0] = lines[0].Replace(",\"hash\":\"", ",\"hash\": \"", StringComparison.Ordinal);
        AuditFileEdits.WriteTextLines(_path, lines);

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.Equal(1, verification.Defect?.Line);
        Assert.Equal(AuditDefectKind.MalformedFields, verification.Defect?.Kind);
    }

    [Fact]
    public async Task The_expected_head_passes_on_a_log_that_has_grown_since()
    {
        // Arrange
        var heads = await AuditFileEdits.WriteEventsAsync(_path, 3);
        var log = new JsonLinesAuditLog(_path, TimeProvider.System);
        await log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);
        await log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);

        // Act
        var verification = AuditChainVerifier.Verify(_path, heads[2]);

        // Assert
        Assert.True(verification.IsValid, verification.Defect?.ToString());
        Assert.Equal(5, verification.Head?.Seq);
    }

    [Fact]
    public async Task The_expected_head_fails_on_a_log_rewritten_with_a_valid_chain()
    {
        // Arrange: someone who can write the file recomputes a whole, valid chain with other content.
        var heads = await AuditFileEdits.WriteEventsAsync(_path, 3);
        File.Delete(_path);
        var log = new JsonLinesAuditLog(_path, TimeProvider.System);
        for (var i = 0; i < 4; i++)
        {
            await log.AppendAsync(new AuditEvent(AuditEventNames.CallReceived, new JsonObject { ["command"] = "innocent" }), CancellationToken.None);
        }

        // Act
        var plain = AuditChainVerifier.Verify(_path, null);
        var anchored = AuditChainVerifier.Verify(_path, heads[2]);

        // Assert
        Assert.True(plain.IsValid);
        Assert.Equal(3, anchored.Defect?.Line);
        Assert.Equal(AuditDefectKind.ExpectedHeadMismatch, anchored.Defect?.Kind);
    }

    [Fact]
    public async Task The_expected_head_fails_on_a_log_shorter_than_its_seq()
    {
        // Arrange
        var heads = await AuditFileEdits.WriteEventsAsync(_path, 3);
        AuditFileEdits.WriteLines(_path, AuditFileEdits.ReadLines(_path).Take(2));

        // Act
        var verification = AuditChainVerifier.Verify(_path, heads[2]);

        // Assert
        Assert.Equal(
            new AuditDefect(null, AuditDefectKind.ExpectedHeadMissing, "the log ends at seq 2, before the expected head's seq 3: it was truncated or replaced"),
            verification.Defect);
    }

    [Fact]
    public async Task A_complete_last_event_without_its_newline_passes_with_a_warning_flag()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 2);
        File.WriteAllText(_path, File.ReadAllText(_path).TrimEnd('\n'));

        // Act
        var verification = AuditChainVerifier.Verify(_path, null);

        // Assert
        Assert.True(verification.IsValid);
        Assert.True(verification.LastLineUnterminated);
    }

    [Fact]
    public async Task A_line_longer_than_the_read_chunk_verifies()
    {
        // Arrange
        var log = new JsonLinesAuditLog(_path, TimeProvider.System);
        await log.AppendAsync(new AuditEvent(AuditEventNames.CallReceived, new JsonObject { ["big"] = new string('x', 200_000) }), CancellationToken.None);
        var head = await log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);

        // Act
        var verification = AuditChainVerifier.Verify(_path, head);

        // Assert
        Assert.True(verification.IsValid, verification.Defect?.ToString());
    }
}
