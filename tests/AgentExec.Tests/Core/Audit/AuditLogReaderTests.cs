using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using AgentExec.Core.Audit;

namespace AgentExec.Tests.Core.Audit;

[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
public sealed class AuditLogReaderTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly string _path;

    public AuditLogReaderTests() => _path = _directory.File("audit.jsonl");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Every_event_is_read_back_in_order()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 3);

        // Act
        var entries = AuditLogReader.ReadAll(_path).ToList();

        // Assert
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Seq!.Value));
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Line));
        Assert.All(entries, e => Assert.Equal("call_received", e.EventName));
        Assert.All(entries, e => Assert.Equal("2026-11-25T10:00:00.123Z", e.Timestamp));
        Assert.Equal("echo 2", entries[1].Json!.Value.GetProperty("command").GetString());
    }

    [Fact]
    public async Task The_last_n_events_come_with_their_line_numbers()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 10);

        // Act
        var entries = AuditLogReader.ReadLast(_path, 3);

        // Assert
        Assert.Equal([8L, 9L, 10L], entries.Select(e => e.Line));
        Assert.Equal([8L, 9L, 10L], entries.Select(e => e.Seq!.Value));
    }

    [Fact]
    public async Task Asking_for_more_events_than_there_are_returns_them_all()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 2);

        // Act
        var entries = AuditLogReader.ReadLast(_path, 50);

        // Assert
        Assert.Equal([1L, 2L], entries.Select(e => e.Line));
    }

    [Fact]
    public async Task A_torn_last_line_is_read_as_a_damaged_entry()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 2);
        AuditFileEdits.AppendText(_path, "{\"seq\":3,\"ts\":\"\u001b[2J");

        // Act
        var entries = AuditLogReader.ReadLast(_path, 1);

        // Assert
        var torn = Assert.Single(entries);
        Assert.Equal(3, torn.Line);
        Assert.Equal(AuditDefectKind.NotJson, torn.Defect);
        Assert.Null(torn.Seq);
        Assert.Equal("! line 3 is damaged (not_json, 19 bytes): \"{\"seq\":3,\"ts\":\"\\x1B[2J\"", torn.ToDisplayLine());
        Assert.Equal("{\"line\":3,\"defect\":\"not_json\",\"bytes\":19}", torn.ToJsonLine());
    }

    [Fact]
    public async Task The_display_line_escapes_ansi_bidi_and_newlines_from_the_agent()
    {
        // Arrange
        var log = new JsonLinesAuditLog(_path, ManualTimeProvider.At("2026-11-25T10:00:00.123Z"));
        await log.AppendAsync(
            new AuditEvent(
                AuditEventNames.CallReceived,
                new JsonObject { ["command"] = "echo \u001b[31mred\u202Egnp.exe\nrm -rf /", ["timeout_ms"] = 5000, ["argv"] = new JsonArray("a\u2066b") }),
            CancellationToken.None);

        // Act
        var line = AuditLogReader.ReadAll(_path).Single().ToDisplayLine();

        // Assert
        Assert.Equal(
            "2026-11-25T10:00:00.123Z  #1  call_received command=\"echo \\x1B[31mred\\u202Egnp.exe\\nrm -rf /\" timeout_ms=5000 argv=[\"a\\u2066b\"]",
            line);
    }

    [Fact]
    public async Task A_tampered_event_is_shown_but_marked_as_not_verifying()
    {
        // Arrange
        await AuditFileEdits.WriteEventsAsync(_path, 1);
        var lines = AuditFileEdits.ReadTextLines(_path);
        AuditFileEdits.WriteTextLines(_path, [lines[0].Replace("echo 1", "echo 2", StringComparison.Ordinal)]);

        // Act
        var entry = AuditLogReader.ReadAll(_path).Single();

        // Assert
        Assert.Equal(AuditDefectKind.HashMismatch, entry.Defect);
        Assert.StartsWith("! line 1 does not verify (hash_mismatch): seq=1 ts=\"2026-11-25T10:00:00.123Z\" event=\"call_received\" command=\"echo 2\"", entry.ToDisplayLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_line_of_an_event_is_its_line_in_the_file_byte_for_byte()
    {
        // Arrange
        var log = new JsonLinesAuditLog(_path, TimeProvider.System);
        await log.AppendAsync(
            new AuditEvent(AuditEventNames.CallReceived, new JsonObject { ["command"] = "a && b \u001b é 😀", ["n"] = 1.5, ["nested"] = new JsonObject { ["k"] = null } }),
            CancellationToken.None);

        // Act
        var json = AuditLogReader.ReadAll(_path).Single().ToJsonLine();

        // Assert
        Assert.Equal(File.ReadAllText(_path).TrimEnd('\n'), json);
    }

    [Fact]
    public void Reading_a_missing_log_throws_file_not_found()
    {
        // Act
        var read = () => AuditLogReader.ReadLast(_path, 5);

        // Assert
        Assert.Throws<FileNotFoundException>(read);
    }
}
