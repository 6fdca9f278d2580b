using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;
using AgentExec.Core.Pipeline.AuditRecords;
using AgentExec.Tests.EndToEnd;

namespace AgentExec.Tests.Core.Audit;

/// <summary>
/// A log written by the code before the typed records (Fixtures/every-event-kind.jsonl) still verifies, and the records,
/// given the values it holds and the same seq, ts and prev, write its lines again byte for byte.
/// </summary>
public sealed class AuditFixtureTests
{
    private static readonly string FixturePath = Path.Combine(AppContext.BaseDirectory, "Core", "Audit", "Fixtures", "every-event-kind.jsonl");

    [Fact]
    public void The_verifier_accepts_a_log_written_before_the_typed_records()
    {
        // Act
        var verification = AuditChainVerifier.Verify(FixturePath, null);

        // Assert
        Assert.True(verification.IsValid, verification.Defect?.ToString());
        Assert.Equal(25, verification.LineCount);
        Assert.Equal(24, verification.EventCount);
        Assert.Single(verification.RecoveredDamage);
    }

    [Fact]
    public async Task Audit_verify_accepts_a_log_written_before_the_typed_records()
    {
        // Arrange
        using var agentexec = new AgentExecProcess();

        // Act
        var verify = await agentexec.RunAsync(["audit", "verify", FixturePath]);

        // Assert
        Assert.Equal(0, verify.ExitCode);
    }

    [Fact]
    public void The_fixture_holds_every_event_kind()
    {
        // Arrange: the byte-for-byte test below is only as good as the kinds it sees.
        var kinds = FixtureLines().Select(line => line.Json.GetProperty("event").GetString()).ToHashSet();

        // Assert
        Assert.Equal(
            new[]
            {
                AuditEventNames.CallReceived, AuditEventNames.PolicyDecision, AuditEventNames.Assessment, AuditEventNames.ElicitationSent,
                AuditEventNames.Answer, AuditEventNames.ExecutionStarted, AuditEventNames.ExecutionFinished, AuditEventNames.Denial,
                AuditEventNames.Recovery,
            }.Order(StringComparer.Ordinal),
            kinds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_records_write_every_line_of_the_fixture_byte_for_byte()
    {
        foreach (var (bytes, json) in FixtureLines())
        {
            // Arrange
            var seq = json.GetProperty("seq").GetInt64();
            var ts = DateTimeOffset.Parse(json.GetProperty("ts").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var prev = json.GetProperty("prev").GetString()!;
            var auditEvent = EventOf(json);

            // Act
            var (line, hash) = AuditLineFormat.Encode(seq, ts, auditEvent, prev);

            // Assert
            Assert.Equal(Encoding.ASCII.GetString(bytes), Encoding.ASCII.GetString(line));
            Assert.Equal(json.GetProperty("hash").GetString(), hash);
        }
    }

    // The record of one fixture line, built from the values the line holds, through the same constructors the pipeline uses.
    private static AuditEvent EventOf(JsonElement json)
    {
        var name = json.GetProperty("event").GetString();
        if (name == AuditEventNames.Recovery)
        {
            return AuditEvent.For(new TornLinesRecovered(
                json.GetProperty("torn_line").GetInt64(),
                json.GetProperty("torn_line_count").GetInt64(),
                json.GetProperty("torn_offset").GetInt64(),
                json.GetProperty("torn_bytes").GetInt64(),
                json.GetProperty("torn_sha256").GetString()!));
        }

        IAuditRecord record = name switch
        {
            AuditEventNames.CallReceived => new CallReceived(
                Text(json, "command")!, Text(json, "cwd")!, json.GetProperty("timeout_ms").GetInt64(), Text(json, "justification"), Text(json, "escalation")!),
            AuditEventNames.PolicyDecision => new PolicyDecided(
                Text(json, "verdict")!,
                Text(json, "reason"),
                Text(json, "policy")!,
                Text(json, "unknown"),
                Texts(json.GetProperty("constructs")),
                [.. json.GetProperty("parts").EnumerateArray().Select(PartOf)],
                Texts(json.GetProperty("explanation"))),
            AuditEventNames.Assessment => new RiskAssessed(
                Text(json, "status")!, json.GetProperty("latency_ms").GetInt64(), Text(json, "risk_level"), Text(json, "risk_category"), Text(json, "detail")),
            AuditEventNames.ElicitationSent => new QuestionSent(Text(json, "approval_id")!, Text(json, "escalation")!, Text(json, "message")!),
            AuditEventNames.Answer => new AnswerGiven(
                Text(json, "approval_id"), Text(json, "decision")!, Text(json, "source")!, Text(json, "reason")!, Text(json, "note"), Text(json, "answer_shape")),
            AuditEventNames.ExecutionStarted => new ExecutionStarted(Text(json, "sandbox")!, Text(json, "sandbox_backend")!),
            AuditEventNames.ExecutionFinished => new ExecutionFinished(
                Text(json, "outcome")!,
                json.GetProperty("exit_code").ValueKind == JsonValueKind.Null ? null : json.GetProperty("exit_code").GetInt32(),
                json.GetProperty("duration_ms").GetInt64(),
                Text(json, "sandbox")!,
                json.GetProperty("sandbox_denied").GetBoolean(),
                json.GetProperty("truncated").GetBoolean(),
                json.GetProperty("stdout_bytes").GetInt64(),
                json.GetProperty("stderr_bytes").GetInt64(),
                RepositoriesOf(json)),
            AuditEventNames.Denial => new CallDenied(Text(json, "reason"), Text(json, "decision"), Text(json, "message")!),
            _ => throw new InvalidOperationException($"no record for {name}"),
        };
        return AuditEvent.For(record, Text(json, "call_id"));
    }

    private static global::AgentExec.Core.Sandbox.RepositoryReport? RepositoriesOf(JsonElement json)
    {
        var changes = json.TryGetProperty("repository_changes", out var list)
            ? list.EnumerateArray().Select(c => new global::AgentExec.Core.Sandbox.RepositoryChange(Text(c, "git")!, Text(c, "change")!, c.GetProperty("new_repository").GetBoolean())).ToList()
            : [];
        var incomplete = json.TryGetProperty("repository_scan_incomplete", out var why) ? why.GetString() : null;
        return changes.Count == 0 && incomplete is null ? null : new(changes, incomplete);
    }

    private static PolicyDecidedPart PartOf(JsonElement part) => new(
        Text(part, "text")!,
        Text(part, "program")!,
        Texts(part.GetProperty("arguments")),
        Texts(part.GetProperty("wrappers")),
        part.GetProperty("depth").GetInt32(),
        Text(part, "verdict")!,
        Text(part, "classifier_reason")!,
        part.GetProperty("rule") is { ValueKind: JsonValueKind.Object } rule
            ? new PolicyDecidedRule(Texts(rule.GetProperty("pattern")), Text(rule, "decision")!, Text(rule, "justification"), Text(rule, "origin")!, Text(rule, "match")!, Text(rule, "doubt"))
            : null);

    private static string? Text(JsonElement json, string name) => json.GetProperty(name).GetString();

    private static string[] Texts(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    // The fixture's complete lines (the torn one is skipped), as bytes and as JSON.
    private static IEnumerable<(byte[] Bytes, JsonElement Json)> FixtureLines()
    {
        foreach (var line in File.ReadAllLines(FixturePath, Encoding.ASCII))
        {
            if (!line.EndsWith('}'))
            {
                continue;
            }

            yield return (Encoding.ASCII.GetBytes(line), JsonDocument.Parse(line).RootElement.Clone());
        }
    }
}
