using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Runtime.Versioning;
using AgentExec.Core.Audit;

namespace AgentExec.Tests.Core.Audit;

[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
public sealed class JsonLinesAuditLogTests : IDisposable
{
    private static readonly string Zeros = new('0', 64);

    private readonly TemporaryDirectory _directory = new();
    private readonly ManualTimeProvider _clock = ManualTimeProvider.At("2026-11-25T10:00:00.123Z");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_first_line_has_exactly_the_bytes_the_spec_defines()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        var log = new JsonLinesAuditLog(path, _clock);
        var fields = new JsonObject { ["command"] = "ls -la", ["exit_code"] = 0, ["timed_out"] = false, ["note"] = null };

        // Act
        var head = await log.AppendAsync(new AuditEvent(AuditEventNames.CallReceived, fields), CancellationToken.None);

        // Assert: the hash is recomputed here from the SPEC's definition, not with the product's code.
        var prefix = "{\"seq\":1,\"ts\":\"2026-11-25T10:00:00.123Z\",\"event\":\"call_received\","
            + "\"command\":\"ls -la\",\"exit_code\":0,\"timed_out\":false,\"note\":null,"
            + "\"prev\":\"" + Zeros + "\"";
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix + "}")));
        Assert.Equal(prefix + ",\"hash\":\"" + expectedHash + "\"}\n", File.ReadAllText(path));
        Assert.Equal(new AuditHead(1, expectedHash), head);
    }

    [Fact]
    public async Task Every_line_hashes_its_own_bytes_and_chains_to_the_line_before()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");

        // Act
        var heads = await AuditFileEdits.WriteEventsAsync(path, 5, _clock);

        // Assert
        var lines = AuditFileEdits.ReadLines(path);
        Assert.Equal(5, lines.Count);
        var previous = Zeros;
        for (var i = 0; i < lines.Count; i++)
        {
            var text = Encoding.UTF8.GetString(lines[i]);
            var marker = text.LastIndexOf(",\"hash\":", StringComparison.Ordinal);
            var hashed = Encoding.UTF8.GetBytes(text[..marker] + "}");
            var hash = Convert.ToHexStringLower(SHA256.HashData(hashed));
            Assert.Equal(",\"hash\":\"" + hash + "\"}", text[marker..]);
            Assert.EndsWith(",\"prev\":\"" + previous + "\"", text[..marker], StringComparison.Ordinal);
            Assert.StartsWith("{\"seq\":" + (i + 1) + ",", text, StringComparison.Ordinal);
            Assert.Equal(new AuditHead(i + 1, hash), heads[i]);
            previous = hash;
        }
    }

    [Fact]
    public async Task The_timestamp_comes_from_the_injected_clock_in_utc_with_milliseconds()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 30, 5, 7, TimeSpan.FromHours(2)));
        var log = new JsonLinesAuditLog(path, clock);

        // Act
        await log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);

        // Assert
        Assert.Contains("\"ts\":\"2026-11-25T10:30:05.007Z\"", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_characters_and_unicode_round_trip_while_the_file_stays_plain_ascii()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        var log = new JsonLinesAuditLog(path, _clock);
        const string Hostile = "echo \u001b[31mred\u001b[0m \u202Eevil\u202C \u0085 \u009b tab\there\nnew line && <x> 'q' \"d\" \\ é 日本 😀 \u007f";

        // Act
        await log.AppendAsync(
            new AuditEvent(AuditEventNames.CallReceived, new JsonObject { ["command"] = Hostile, ["argv"] = new JsonArray("rm", Hostile) }),
            CancellationToken.None);

        // Assert
        var bytes = File.ReadAllBytes(path);
        Assert.All(bytes, b => Assert.True(b is >= 0x20 and < 0x7F || b == (byte)'\n', $"byte 0x{b:X2} is not printable ASCII"));
        using var document = JsonDocument.Parse(bytes);
        Assert.Equal(Hostile, document.RootElement.GetProperty("command").GetString());
        Assert.Equal(Hostile, document.RootElement.GetProperty("argv")[1].GetString());
        Assert.True(AuditChainVerifier.Verify(path, null).IsValid);
    }

    [Fact]
    public async Task A_lone_surrogate_from_the_agent_is_stored_as_a_replacement_character_instead_of_failing_the_append()
    {
        // Arrange: valid JSON ("\ud800") can carry a lone surrogate; it must not turn into audit_unavailable.
        var path = _directory.File("audit.jsonl");
        var log = new JsonLinesAuditLog(path, _clock);

        // Act
        await log.AppendAsync(new AuditEvent(AuditEventNames.CallReceived, new JsonObject { ["command"] = "a\ud800b" }), CancellationToken.None);

        // Assert
        Assert.Contains("\"command\":\"a\\uFFFDb\"", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.True(AuditChainVerifier.Verify(path, null).IsValid);
    }

    [Theory]
    [InlineData("seq")]
    [InlineData("ts")]
    [InlineData("event")]
    [InlineData("prev")]
    [InlineData("hash")]
    public async Task A_field_that_uses_a_name_the_log_writes_itself_is_refused(string name)
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        var log = new JsonLinesAuditLog(path, _clock);

        // Act
        var append = () => log.AppendAsync(new AuditEvent(AuditEventNames.Denial, new JsonObject { [name] = "x" }), CancellationToken.None);

        // Assert
        await Assert.ThrowsAsync<ArgumentException>(append);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_caller_cannot_write_a_recovery_event()
    {
        // Arrange
        var log = new JsonLinesAuditLog(_directory.File("audit.jsonl"), _clock);

        // Act
        var append = () => log.AppendAsync(new AuditEvent(AuditEventNames.Recovery, []), CancellationToken.None);

        // Assert
        await Assert.ThrowsAsync<ArgumentException>(append);
    }

    [Fact]
    public async Task The_log_is_created_owner_only_in_owner_only_directories()
    {
        // Arrange
        var path = _directory.File("state", "agentexec", "audit.jsonl");
        var log = new JsonLinesAuditLog(path, _clock);

        // Act
        await log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);

        // Assert
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(owner, File.GetUnixFileMode(_directory.File("state", "agentexec")));
        Assert.Equal(owner, File.GetUnixFileMode(_directory.File("state")));
    }

    [Fact]
    public async Task An_append_that_cannot_write_throws_an_io_error_naming_the_log()
    {
        // Arrange: the log's directory would have to be a regular file.
        File.WriteAllText(_directory.File("not-a-directory"), "");
        var path = _directory.File("not-a-directory", "audit.jsonl");
        var log = new JsonLinesAuditLog(path, _clock);

        // Act
        var append = () => log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);

        // Assert
        var error = await Assert.ThrowsAnyAsync<IOException>(append);
        Assert.Contains("not-a-directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_append_writes_nothing()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        var log = new JsonLinesAuditLog(path, _clock);

        // Act
        var append = () => log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), new CancellationToken(canceled: true));

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(append);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task After_a_torn_last_line_the_next_append_first_records_a_recovery_naming_it()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        var heads = await AuditFileEdits.WriteEventsAsync(path, 3, _clock);
        const string Torn = "{\"seq\":4,\"ts\":\"2026-11-25T10:00:00.1";
        AuditFileEdits.AppendText(path, Torn);
        var log = new JsonLinesAuditLog(path, _clock);

        // Act
        var head = await log.AppendAsync(new AuditEvent(AuditEventNames.Denial, new JsonObject { ["why"] = "x" }), CancellationToken.None);

        // Assert
        var lines = AuditFileEdits.ReadTextLines(path);
        Assert.Equal(6, lines.Count);
        Assert.Equal(Torn, lines[3]);
        using var recovery = JsonDocument.Parse(lines[4]);
        var root = recovery.RootElement;
        Assert.Equal("recovery", root.GetProperty("event").GetString());
        Assert.Equal(4, root.GetProperty("seq").GetInt64());
        Assert.Equal(heads[2].Hash, root.GetProperty("prev").GetString());
        Assert.Equal(4, root.GetProperty("torn_line").GetInt64());
        Assert.Equal(1, root.GetProperty("torn_line_count").GetInt64());
        Assert.Equal(Encoding.UTF8.GetByteCount(Torn), root.GetProperty("torn_bytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Torn))), root.GetProperty("torn_sha256").GetString());
        Assert.Equal(5, head.Seq);
        Assert.Contains("\"event\":\"denial\"", lines[5], StringComparison.Ordinal);
        Assert.Contains("\"prev\":\"" + root.GetProperty("hash").GetString() + "\"", lines[5], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_whose_only_line_is_torn_recovers_from_the_genesis_hash()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        File.WriteAllText(path, "{\"seq\":1,\"ts\":");
        var log = new JsonLinesAuditLog(path, _clock);

        // Act
        var head = await log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);

        // Assert
        var lines = AuditFileEdits.ReadTextLines(path);
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("{\"seq\":1,\"ts\":\"2026-11-25T10:00:00.123Z\",\"event\":\"recovery\",\"torn_line\":1,", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"prev\":\"" + Zeros + "\"", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, head.Seq);
        Assert.True(AuditChainVerifier.Verify(path, null).IsValid);
    }

    [Fact]
    public async Task Several_damaged_lines_after_the_last_good_one_are_named_by_one_recovery()
    {
        // Arrange: a line of garbage, an empty line, then a torn fragment.
        var path = _directory.File("audit.jsonl");
        await AuditFileEdits.WriteEventsAsync(path, 2, _clock);
        AuditFileEdits.AppendText(path, "garbage\n\n{\"seq\":");
        var log = new JsonLinesAuditLog(path, _clock);

        // Act
        await log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);

        // Assert
        var lines = AuditFileEdits.ReadTextLines(path);
        using var recovery = JsonDocument.Parse(lines[5]);
        Assert.Equal(3, recovery.RootElement.GetProperty("torn_line").GetInt64());
        Assert.Equal(3, recovery.RootElement.GetProperty("torn_line_count").GetInt64());
        Assert.Equal("garbage\n\n{\"seq\":".Length, recovery.RootElement.GetProperty("torn_bytes").GetInt64());
        var verification = AuditChainVerifier.Verify(path, null);
        Assert.True(verification.IsValid, verification.Defect?.ToString());
        Assert.Equal([new AuditRecoveredDamage(3, 3, 16, 6, 3)], verification.RecoveredDamage);
    }

    [Fact]
    public async Task A_complete_last_event_missing_only_its_newline_is_continued_without_a_recovery()
    {
        // Arrange
        var path = _directory.File("audit.jsonl");
        await AuditFileEdits.WriteEventsAsync(path, 2, _clock);
        File.WriteAllText(path, File.ReadAllText(path).TrimEnd('\n'));
        var log = new JsonLinesAuditLog(path, _clock);

        // Act
        var head = await log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);

        // Assert
        Assert.Equal(3, head.Seq);
        Assert.Equal(3, AuditFileEdits.ReadLines(path).Count);
        Assert.True(AuditChainVerifier.Verify(path, new AuditHead(3, head.Hash)).IsValid);
    }

    [Fact]
    public async Task Two_logs_on_one_file_appending_at_once_produce_one_chain_with_nothing_lost()
    {
        // Arrange: two instances each open their own descriptor, so they contend on flock exactly as two processes
        // do (flock belongs to the open file description); each is also shared by two tasks, which exercises the
        // in-process semaphore. A cross-process test runs the real binary in the CLI's end-to-end tests.
        var path = _directory.File("audit.jsonl");
        var logs = new[] { new JsonLinesAuditLog(path, TimeProvider.System), new JsonLinesAuditLog(path, TimeProvider.System) };
        const int PerWriter = 100;

        // Act
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                await logs[writer % 2].AppendAsync(
                    new AuditEvent(AuditEventNames.CallReceived, new JsonObject { ["writer"] = writer, ["i"] = i }),
                    CancellationToken.None);
            }
        }));
        await Task.WhenAll(writers);

        // Assert
        var verification = AuditChainVerifier.Verify(path, null);
        Assert.True(verification.IsValid, verification.Defect?.ToString());
        Assert.Equal(4 * PerWriter, verification.EventCount);
        var written = AuditLogReader.ReadAll(path)
            .Select(entry => (entry.Json!.Value.GetProperty("writer").GetInt32(), entry.Json!.Value.GetProperty("i").GetInt32()))
            .ToHashSet();
        Assert.Equal(4 * PerWriter, written.Count);
    }
}
