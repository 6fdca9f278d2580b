using System.Text;
using System.Text.Json;
using AgentExec.Core.Approval;
using CsCheck;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// The fuzzers' own parts, checked against the spec and against servers that misbehave on purpose: a reference that
/// agrees with a broken parser, or a framing check that cannot fail, would make the fuzzing worthless.
/// </summary>
public sealed class FuzzHarnessTests
{
    [Theory]
    [InlineData("""{"action":"accept"}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{}}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{"scope":"once"}}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{"scope":"session"}}""", ApprovalDecision.ApprovedForSession, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{"decision":"approved"}}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{"decision":"approved_for_session"}}""", ApprovalDecision.ApprovedForSession, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{"scope":"session","decision":"denied"}}""", ApprovalDecision.Denied, ApprovalReason.UserDeclined)]
    [InlineData("""{"action":"accept","content":{"decision":"abort"}}""", ApprovalDecision.Abort, ApprovalReason.UserCancelled)]
    [InlineData("""{"action":"accept","content":{"other":1,"sco\u200bpe":"x"},"_meta":{}}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"decline"}""", ApprovalDecision.Denied, ApprovalReason.UserDeclined)]
    [InlineData("""{"action":"cancel"}""", ApprovalDecision.Abort, ApprovalReason.UserCancelled)]
    [InlineData("""{"decision":"approved_for_session","_meta":{"x":1}}""", ApprovalDecision.ApprovedForSession, ApprovalReason.UserApproved)]
    [InlineData("""{"decision":"denied"}""", ApprovalDecision.Denied, ApprovalReason.UserDeclined)]
    [InlineData("""{"action":"Accept"}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":1}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":"accept","content":null}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":"accept","content":{"scope":"always"}}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":"accept","content":{"decision":"Approved"}}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":"accept","content":{"reason":1}}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":"accept","decision":"approved"}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"decision":"approved","note":"x"}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":"accept","content":{"Scope":"session"}}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":"accept","content":{"\u017Fcope":"session"}}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":"accept","content":{"dec\u0131sion":"denied"}}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":"accept","_meta":{"x":"\ud800"}}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":"accept","action":"accept"}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{"action":"accept","_meta":[]}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""[{"action":"accept"}]""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    [InlineData("""{}""", ApprovalDecision.Denied, ApprovalReason.MalformedResponse)]
    public void The_reference_table_decides_the_spec_rows_and_the_malformed_list(string answer, ApprovalDecision decision, ApprovalReason reason)
    {
        var verdict = ReferenceAnswerTable.Judge(JsonTreeText.Parse(answer));

        Assert.Equal(decision, verdict.Decision);
        Assert.Equal(reason, verdict.Reason);
    }

    [Fact]
    public void The_reference_table_keeps_the_note_cut_to_500_code_points()
    {
        var note = string.Concat(Enumerable.Repeat("😀", 501));

        var verdict = ReferenceAnswerTable.Judge(JsonTree.Object(("action", JsonTree.Of("decline")), ("content", JsonTree.Object(("reason", JsonTree.Of(note))))));

        Assert.Equal(string.Concat(Enumerable.Repeat("😀", 500)), verdict.Note);
    }

    [Fact]
    public void Json_text_reads_back_as_the_value_it_was_written_from_in_every_spelling()
    {
        Gen.Select(JsonGenerators.AnyValue, Gen.Int).Sample((value, spelling) =>
        {
            var text = JsonTreeText.Write(value, spelling, lineBreaks: spelling % 2 == 0);

            Assert.Equal(JsonTreeText.Write(value), JsonTreeText.Write(JsonTreeText.Parse(text)));
            using var document = JsonDocument.Parse(text);
        }, iter: 500);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":"a","method":"ping"}""", "s:a")]
    [InlineData("""{"method":"ping","params":[],"id":-7,"jsonrpc":"2.0"}""", "n:-7")]
    [InlineData(""" {"jsonrpc":"2.0","id":"\u0061","method":"x","params":"y"} """, "s:a")]
    [InlineData("""{"jsonrpc":"2.0","id":"a","method":"ping","result":1}""", null)]
    [InlineData("""{"jsonrpc":"2.0","id":"a","id":"b","method":"ping"}""", null)]
    [InlineData("""{"jsonrpc":"1.0","id":"a","method":"ping"}""", null)]
    [InlineData("""{"id":"a","method":"ping"}""", null)]
    [InlineData("""{"jsonrpc":"2.0","id":1.5,"method":"ping"}""", null)]
    [InlineData("""{"jsonrpc":"2.0","id":99999999999999999999,"method":"ping"}""", null)]
    [InlineData("""{"jsonrpc":"2.0","id":"\ud800","method":"ping"}""", null)]
    [InlineData("""{"jsonrpc":"2.0","id":null,"method":"ping"}""", null)]
    [InlineData("""{"jsonrpc":"2.0","method":"ping"}""", null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"ping\"", null)]
    [InlineData("""[{"jsonrpc":"2.0","id":"a","method":"ping"}]""", null)]
    [InlineData("\uFEFF{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"ping\"}", null)]
    public void A_line_is_owed_a_response_only_when_it_is_a_request_with_an_id_mcp_allows(string line, string? owed)
    {
        var judged = FramingLine.Judge(Encoding.UTF8.GetBytes(line));

        Assert.Equal(owed is null ? [] : [owed], judged.MustAnswer);
    }

    [Fact]
    public void Lines_split_at_cr_and_lf_and_invalid_utf8_is_owed_nothing()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"ping\"}\r{\"jsonrpc\":\"2.0\",\"id\":\"b\",\r\"method\":\"ping\"}\r\n{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"\xFF\"}")
            .Select(b => b == 0xC3 ? (byte)0xFF : b).ToArray();

        var judged = FramingLine.Judge(bytes);

        Assert.Equal(["s:a"], judged.MustAnswer);
        Assert.Equal(["s:a", "s:b", "s:c"], judged.Mentioned.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_framing_check_passes_a_server_that_behaves()
    {
        await using var server = new FakeJsonRpcServer(FakeJsonRpcServer.Misbehaviour.None);
        await using var session = new FramingSession(server.ClientOutput, server.ClientInput, TimeSpan.FromSeconds(2));

        await FramingCheck.RunAsync(session, Batches(), () => server.Exited);
    }

    [Theory]
    [InlineData(nameof(FakeJsonRpcServer.Misbehaviour.IgnoresRequestsWithIntegerIds), "no response to n:42")]
    [InlineData(nameof(FakeJsonRpcServer.Misbehaviour.AnswersPingTwice), "2 responses to s:p1")]
    [InlineData(nameof(FakeJsonRpcServer.Misbehaviour.AnswersAnIdNobodySent), "a response to s:nobody-sent-this, an id no line carried")]
    [InlineData(nameof(FakeJsonRpcServer.Misbehaviour.WritesALineThatIsNotJson), "not JSON objects: this is not JSON")]
    [InlineData(nameof(FakeJsonRpcServer.Misbehaviour.StopsAtTheFirstNotification), "the server closed its output")]
    [InlineData(nameof(FakeJsonRpcServer.Misbehaviour.EchoesSomethingElse), "the echo printed something else")]
    public async Task The_framing_check_fails_a_server_that_misbehaves(string misbehaviour, string complaint)
    {
        await using var server = new FakeJsonRpcServer(Enum.Parse<FakeJsonRpcServer.Misbehaviour>(misbehaviour));
        await using var session = new FramingSession(server.ClientOutput, server.ClientInput, TimeSpan.FromSeconds(1));

        var failure = await Record.ExceptionAsync(() => FramingCheck.RunAsync(session, Batches(), () => false));

        Assert.True(failure is Xunit.Sdk.XunitException or TimeoutException, $"the check did not fail: {failure}");
        Assert.Contains(complaint, failure.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<FramingLine>[] Batches() =>
    [
        [
            FramingLine.Judge("""{"jsonrpc":"2.0","id":"p1","method":"ping"}"""u8.ToArray()),
            FramingLine.Judge("""{"jsonrpc":"2.0","id":42,"method":"tools/list"}"""u8.ToArray()),
            FramingLine.Judge("""{"jsonrpc":"2.0","method":"notifications/progress","params":{}}"""u8.ToArray()),
            FramingLine.Judge("garbage"u8.ToArray()),
        ],
    ];
}
