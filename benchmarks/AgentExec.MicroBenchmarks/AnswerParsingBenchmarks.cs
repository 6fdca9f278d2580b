using AgentExec.Core.Approval;
using AgentExec.Mcp.Approval;
using BenchmarkDotNet.Attributes;

namespace AgentExec.MicroBenchmarks;

/// <summary>
/// The answer table (<see cref="ElicitationAnswerParser"/>, SPEC.md): a client's elicitation result to an
/// <see cref="ApprovalOutcome"/>, for each kind of answer a human gives and for one the table refuses.
/// </summary>
/// <remarks>
/// It runs once per question, so its cost only matters next to the human's wait; measured to show it is negligible, and
/// to catch a regression in a parser that must stay total. The JSON is read beforehand: that is the SDK's work.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class AnswerParsingBenchmarks
{
    /// <summary>Accept once, accept for the session, decline with a note, cancel, and a near-miss key the table refuses.</summary>
    public static IEnumerable<object> Answers() =>
    [
        new ElicitationAnswer("accept once", """{"action":"accept","content":{"scope":"once"}}"""),
        new ElicitationAnswer("accept session", """{"action":"accept","content":{"scope":"session"}}"""),
        new ElicitationAnswer("decline", """{"action":"decline"}"""),
        new ElicitationAnswer("decline with note", """{"action":"decline","content":{"reason":"not on the production branch, please"}}"""),
        new ElicitationAnswer("cancel", """{"action":"cancel"}"""),
        new ElicitationAnswer("malformed (Scope)", """{"action":"accept","content":{"Scope":"session"}}"""),
    ];

    /// <summary>One answer through the table.</summary>
    [Benchmark]
    [ArgumentsSource(nameof(Answers))]
    public ApprovalOutcome Parse(ElicitationAnswer answer) => ElicitationAnswerParser.Parse(answer.Element);
}
