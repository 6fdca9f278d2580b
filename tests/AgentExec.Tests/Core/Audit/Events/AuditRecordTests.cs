using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Pipeline.AuditRecords;
using AgentExec.Core.Policy;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentExec.Tests.Core.Audit.Events;

public sealed class AuditRecordTests
{
    private static readonly string[] ReservedNames = ["seq", "ts", "event", "prev", "hash", "call_id"];

    public static TheoryData<string> RecordTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in RecordTypesInCore())
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    private static IEnumerable<Type> RecordTypesInCore() =>
        typeof(IAuditRecord).Assembly.GetTypes().Where(t => typeof(IAuditRecord).IsAssignableFrom(t) && !t.IsInterface);

    [Fact]
    public void There_is_one_record_type_per_event_name()
    {
        // Arrange
        var names = typeof(AuditEventNames).GetFields().Select(f => (string)f.GetValue(null)!).Order(StringComparer.Ordinal);

        // Act
        var recorded = RecordTypesInCore()
            .Select(type => (System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type) as IAuditRecord)!.EventName)
            .Order(StringComparer.Ordinal);

        // Assert
        Assert.Equal(names, recorded);
    }

    [Theory]
    [MemberData(nameof(RecordTypes))]
    public void Every_record_type_names_its_own_serializer_and_writes_no_name_the_log_or_the_recorder_owns(string typeName)
    {
        // Arrange
        var type = typeof(IAuditRecord).Assembly.GetType(typeName)!;

        // Act
        var typeInfo = ((IAuditRecord)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type)).TypeInfo;

        // Assert
        Assert.Equal(type, typeInfo.Type);
        var written = typeInfo.Properties.Where(p => p.Get is not null && p.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), false)
            .Cast<JsonIgnoreAttribute>().Any(a => a.Condition == JsonIgnoreCondition.Always) != true).ToList();
        Assert.NotEmpty(written);
        Assert.DoesNotContain(written, p => ReservedNames.Contains(p.Name));
        Assert.All(written, p => Assert.Matches("^[a-z0-9_]+$", p.Name));
    }

    [Fact]
    public void Check_json_and_the_policy_decision_event_render_an_evaluation_the_same_way()
    {
        // Arrange: a compound line with a forbidden rule, so parts, rules and the reason chain are all there.
        using var directory = new TemporaryDirectory();
        var pipeline = PipelineFactory.Create(
            PipelineFactory.Settings(directory.Path),
            rules: [new PolicyRule(["rm"], RuleDecision.Forbidden, "no deleting", RuleOrigin.User)]);
        var evaluation = pipeline.Evaluate(new ExecRequest("ls | grep é && rm -rf x", directory.Path, TimeSpan.FromSeconds(5), null, EscalationKind.None, "c1"));
        var decided = PolicyDecided.From(evaluation);

        // Act
        var forCheck = decided.ToJson();
        var inTheLog = AuditEvent.For(decided, "c1").Fields;
        inTheLog.Remove("call_id");

        // Assert
        Assert.True(JsonNode.DeepEquals(forCheck, inTheLog), forCheck.ToJsonString() + "\n" + inTheLog.ToJsonString());
        Assert.Equal(["verdict", "reason", "policy", "unknown", "constructs", "parts", "explanation"], forCheck.Select(m => m.Key));
        var rm = forCheck["parts"]!.AsArray().Single(p => p!["program"]!.GetValue<string>() == "rm")!;
        Assert.Equal("no deleting", rm["rule"]!["justification"]!.GetValue<string>());
        Assert.Equal("user", rm["rule"]!["origin"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_record_that_names_another_types_serializer_is_not_written_and_the_recorder_reports_failure()
    {
        // Arrange
        var log = new RecordingAuditLog();
        var recorder = new CallRecorder(log, "c1", NullLogger.Instance);

        // Act
        var unknown = await recorder.TryRecordAsync(new UnknownRecord("x"));
        var known = await recorder.TryRecordAsync(new ExecutionStarted("none", "none"));

        // Assert: the positive control is written, stamped with the call id first.
        Assert.False(unknown);
        Assert.True(known);
        var written = Assert.Single(log.Events);
        Assert.Equal(["call_id", "sandbox", "sandbox_backend"], written.FieldNames);
    }

    private sealed record UnknownRecord(string Value) : IAuditRecord
    {
        public string EventName => AuditEventNames.Denial;

        public System.Text.Json.Serialization.Metadata.JsonTypeInfo TypeInfo => new ExecutionStarted("none", "none").TypeInfo;
    }
}
