using System.Text.Json;
using AgentExec.Core.Approval;
using AgentExec.Mcp.Approval;
using CsCheck;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Xunit.Abstractions;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// Issue 13, deliverable 4: the answer parser against <see cref="ReferenceAnswerTable"/>, written from SPEC.md's
/// table. For every input it returns (never throws), and it decides exactly what the table says: the same decision,
/// reason and note, so nothing the table calls malformed is ever approved. Longer with <c>AGENTEXEC_FUZZ_SECONDS</c>,
/// a failure replays with the <c>CsCheck_Seed</c> it prints (docs/fuzzing.md).
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class AnswerParserFuzzTests(ITestOutputHelper output)
{
    // A fraction of a millisecond a case: the bounded run costs about a second per property.
    private const long BoundedCases = 3000;

    // System.Text.Json's default nesting limit, which JsonDocument and the SDK's reading of a message both keep to.
    private const int ReaderMaxDepth = 64;

    public static TheoryData<string> CorpusAnswers() => [.. FuzzCorpus.Answers().Select(answer => answer.Name)];

    [Theory]
    [MemberData(nameof(CorpusAnswers))]
    public void A_corpus_answer_decides_as_the_reference_table_says(string name)
    {
        var text = FuzzCorpus.Answers().Single(answer => answer.Name == name).Text;

        AssertDecidesAsTheTable(JsonTreeText.Parse(text), text);
    }

    [Fact]
    public void Arbitrary_json_decides_as_the_reference_table_says()
    {
        Run(Gen.Select(JsonGenerators.AnyValue, Gen.Int), "arbitrary JSON");
    }

    [Fact]
    public void Answers_built_from_the_table_vocabulary_and_its_near_misses_decide_as_the_reference_table_says()
    {
        Run(Gen.Select(AnswerGenerators.Shaped, Gen.Int), "answer-shaped JSON");
    }

    [Fact]
    public void Edited_table_and_corpus_answers_decide_as_the_reference_table_says()
    {
        var seeds = AnswerGenerators.TableRows.Concat(FuzzCorpus.Answers().Select(answer => JsonTreeText.Parse(answer.Text))).ToArray();

        Run(Gen.Select(AnswerGenerators.Mutated(seeds), Gen.Int), "edited answers");
    }

    private void Run(Gen<(JsonTree Answer, int Spelling)> answers, string what)
    {
        var cases = 0L;
        var approved = 0L;
        var malformed = 0L;
        void Check(JsonTree answer, int spelling)
        {
            var text = JsonTreeText.Write(answer, spelling);
            var verdict = AssertDecidesAsTheTable(answer, text);
            Interlocked.Increment(ref cases);
            if (verdict.Approves)
            {
                Interlocked.Increment(ref approved);
            }
            else if (verdict.Reason == ApprovalReason.MalformedResponse)
            {
                Interlocked.Increment(ref malformed);
            }
        }

        answers.Sample(
            (Action<JsonTree, int>)Check,
            writeLine: output.WriteLine,
            iter: BoundedCases,
            time: FuzzBudget.Time,
            print: sample => FuzzText.Visible(JsonTreeText.Write(sample.Item1, sample.Item2)));

        output.WriteLine($"fuzz: {what}: {cases} cases ({approved} approved, {malformed} malformed); {FuzzBudget.Describe(BoundedCases)}");
    }

    // The text is what the parser reads; the tree is the same value, which the reference judges. The parser reads it
    // twice: as a JsonElement, and as the server gets it, through the SDK's own reading of a JSON-RPC response line.
    private static ReferenceVerdict AssertDecidesAsTheTable(JsonTree answer, string text)
    {
        var expected = ReferenceAnswerTable.Judge(answer);
        var shown = FuzzText.Visible(text);
        var depth = Depth(answer);
        if (depth <= ReaderMaxDepth)
        {
            using var document = JsonDocument.Parse(text);
            AssertOutcome(expected, ElicitationAnswerParser.Parse(document.RootElement), "the element", shown);
        }

        var line = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":" + text + "}";
        JsonRpcMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(line, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage))) as JsonRpcMessage;
        }
        catch (JsonException)
        {
            // The SDK drops a line it cannot read, so the server never sees the answer and the question ends as
            // no_response: fail-closed, but only an answer nested past the reader's limit (the line adds a level), or
            // one the table refuses anyway (a bare string result that is not Unicode text), may be lost so.
            Assert.True(depth + 1 > ReaderMaxDepth || expected == ReferenceVerdict.Malformed, $"the SDK could not read an answer the table accepts: {shown}");
            return expected;
        }

        AssertOutcome(expected, ElicitationAnswerParser.Parse(Assert.IsType<JsonRpcResponse>(message).Result), "the SDK's node", shown);
        return expected;
    }

    // Arrays and objects inside one another, as System.Text.Json counts depth.
    private static int Depth(JsonTree value) => value switch
    {
        JsonTree.ArrayValue array => 1 + array.Items.Select(Depth).DefaultIfEmpty(0).Max(),
        JsonTree.ObjectValue obj => 1 + obj.Members.Select(member => Depth(member.Value)).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    private static void AssertOutcome(ReferenceVerdict expected, ApprovalOutcome outcome, string path, string shown)
    {
        Assert.True(expected.Decision == outcome.Decision, $"decision {outcome.Decision} from {path}, the table says {expected.Decision}, for {shown}");
        Assert.True(expected.Reason == outcome.Reason, $"reason {outcome.Reason} from {path}, the table says {expected.Reason}, for {shown}");
        Assert.True(expected.Note == outcome.Note, $"note from {path} differs from the table's for {shown}");
        Assert.Equal(ApprovalSource.User, outcome.Source);
    }
}
