using System.Text.Json;
using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Mcp.Approval;

namespace AgentExec.Tests.Mcp;

public sealed class ElicitationAnswerParserTests
{
    [Theory]
    [InlineData("""{"action":"accept"}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{}}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{"scope":"once"}}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{"scope":"session"}}""", ApprovalDecision.ApprovedForSession, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{"decision":"approved"}}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{"decision":"approved_for_session"}}""", ApprovalDecision.ApprovedForSession, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{"decision":"denied"}}""", ApprovalDecision.Denied, ApprovalReason.UserDeclined)]
    [InlineData("""{"action":"accept","content":{"decision":"abort"}}""", ApprovalDecision.Abort, ApprovalReason.UserCancelled)]
    [InlineData("""{"action":"accept","content":{"scope":"session","decision":"denied"}}""", ApprovalDecision.Denied, ApprovalReason.UserDeclined)]
    [InlineData("""{"action":"accept","content":{"scope":"once","decision":"approved_for_session"}}""", ApprovalDecision.ApprovedForSession, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"decline"}""", ApprovalDecision.Denied, ApprovalReason.UserDeclined)]
    [InlineData("""{"action":"cancel"}""", ApprovalDecision.Abort, ApprovalReason.UserCancelled)]
    [InlineData("""{"decision":"approved"}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("""{"decision":"approved_for_session"}""", ApprovalDecision.ApprovedForSession, ApprovalReason.UserApproved)]
    [InlineData("""{"decision":"denied"}""", ApprovalDecision.Denied, ApprovalReason.UserDeclined)]
    [InlineData("""{"decision":"abort"}""", ApprovalDecision.Abort, ApprovalReason.UserCancelled)]
    [InlineData("""{"decision":"approved","_meta":{"x":1}}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    [InlineData("""{"action":"accept","content":{"scope":"once","other":5},"_meta":{}}""", ApprovalDecision.Approved, ApprovalReason.UserApproved)]
    public void Every_row_of_the_answer_table_maps_to_its_decision(string answer, ApprovalDecision decision, ApprovalReason reason)
    {
        var outcome = Parse(answer);

        Assert.Equal(decision, outcome.Decision);
        Assert.Equal(reason, outcome.Reason);
        Assert.Equal(ApprovalSource.User, outcome.Source);
    }

    [Theory]
    [InlineData("""{"action":"Accept"}""")]
    [InlineData("""{"action":"ACCEPT"}""")]
    [InlineData("""{"action":"approve"}""")]
    [InlineData("""{"action":true}""")]
    [InlineData("""{"action":null}""")]
    [InlineData("""{"action":["accept"]}""")]
    [InlineData("""{"action":"accept","content":null}""")]
    [InlineData("""{"action":"accept","content":"session"}""")]
    [InlineData("""{"action":"accept","content":[]}""")]
    [InlineData("""{"action":"accept","content":{"scope":"forever"}}""")]
    [InlineData("""{"action":"accept","content":{"scope":"Session"}}""")]
    [InlineData("""{"action":"accept","content":{"scope":1}}""")]
    [InlineData("""{"action":"accept","content":{"decision":"yes"}}""")]
    [InlineData("""{"action":"accept","content":{"decision":"Approved"}}""")]
    [InlineData("""{"action":"accept","content":{"decision":null}}""")]
    [InlineData("""{"action":"accept","content":{"reason":42}}""")]
    [InlineData("""{"action":"accept","content":{"reason":null}}""")]
    [InlineData("""{"action":"accept","content":{"Scope":"session"}}""")]
    [InlineData("""{"action":"accept","content":{"DECISION":"approved"}}""")]
    [InlineData("""{"action":"accept","content":{"Reason":"x"}}""")]
    [InlineData("""{"action":"accept","decision":"approved"}""")]
    [InlineData("""{"action":"decline","decision":"approved"}""")]
    [InlineData("""{"action":"accept","extra":1}""")]
    [InlineData("""{"action":"accept","_meta":"x"}""")]
    [InlineData("""{"action":"accept","action":"accept"}""")]
    [InlineData("""{"action":"decline","action":"accept"}""")]
    [InlineData("""{"action":"accept","content":{"scope":"once","scope":"session"}}""")]
    [InlineData("""{"decision":"approved","note":"x"}""")]
    [InlineData("""{"decision":"Approved"}""")]
    [InlineData("""{"decision":true}""")]
    [InlineData("""{"decision":null}""")]
    [InlineData("""{}""")]
    [InlineData("""{"approved":true}""")]
    [InlineData("""null""")]
    [InlineData("""true""")]
    [InlineData("\"accept\"")]
    [InlineData("""[{"action":"accept"}]""")]
    [InlineData("""42""")]
    public void An_answer_outside_the_table_is_malformed_and_denied(string answer)
    {
        var outcome = Parse(answer);

        Assert.Equal(ApprovalDecision.Denied, outcome.Decision);
        Assert.Equal(ApprovalReason.MalformedResponse, outcome.Reason);
        Assert.False(outcome.IsApproved);
        Assert.StartsWith("malformed: ", outcome.AnswerShape, StringComparison.Ordinal);
    }

    [Fact]
    public void The_human_note_is_kept_and_cut_to_500_code_points()
    {
        var longNote = string.Concat(Enumerable.Repeat("😀", 600));
        var answer = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["action"] = "accept",
            ["content"] = new Dictionary<string, string> { ["reason"] = longNote },
        });

        var outcome = Parse(answer);

        Assert.Equal(ApprovalDecision.Approved, outcome.Decision);
        Assert.Equal(string.Concat(Enumerable.Repeat("😀", 500)), outcome.Note);
    }

    [Fact]
    public void A_decline_keeps_the_human_note()
    {
        var outcome = Parse("""{"action":"decline","content":{"reason":"not on main"}}""");

        Assert.Equal(ApprovalDecision.Denied, outcome.Decision);
        Assert.Equal("not on main", outcome.Note);
    }

    // Found by the answer fuzzer (tests/AgentExec.Tests/Fuzz): JSON may escape half of a surrogate pair, which no
    // string can hold; reading it threw instead of answering.
    [Theory]
    [InlineData("""{"action":"\ud800"}""")]
    [InlineData("""{"\ud800":"accept"}""")]
    [InlineData("""{"action":"accept","content":{"reason":"\udc00"}}""")]
    [InlineData("""{"action":"accept","content":{"x\udbff":1}}""")]
    [InlineData("""{"decision":"approved\ud800"}""")]
    [InlineData("""{"action":"accept","_meta":{"x":"\ud800"}}""")]
    [InlineData("""{"action":"accept","content":{"other":["\udc00"]}}""")]
    public void An_answer_with_text_that_is_not_unicode_is_malformed_rather_than_an_exception(string answer)
    {
        var outcome = Parse(answer);
        var throughTheSdkNode = ElicitationAnswerParser.Parse(JsonNode.Parse(answer));

        Assert.Equal(ApprovalDecision.Denied, outcome.Decision);
        Assert.Equal(ApprovalReason.MalformedResponse, outcome.Reason);
        Assert.Equal(outcome, throughTheSdkNode);
    }

    // Found by the answer fuzzer: a key that Unicode's case mappings turn into scope, decision or reason is the same
    // near miss as "Scope" (U+017F's upper case is S, U+0131's is I, U+0130's lower case is i), and was ignored as an
    // unknown key, so {"deciſion":"denied"} approved the command.
    [Theory]
    [InlineData("""{"action":"accept","content":{"deci\u017Fion":"denied"}}""")]
    [InlineData("""{"action":"accept","content":{"dec\u0131sion":"abort"}}""")]
    [InlineData("""{"action":"accept","content":{"decis\u0130on":"denied"}}""")]
    [InlineData("""{"action":"accept","content":{"\u017Fcope":"session"}}""")]
    [InlineData("""{"action":"decline","content":{"rea\u017Fon":"x"}}""")]
    public void A_content_key_that_is_a_table_key_under_a_unicode_case_mapping_is_malformed(string answer)
    {
        var outcome = Parse(answer);

        Assert.Equal(ApprovalDecision.Denied, outcome.Decision);
        Assert.Equal(ApprovalReason.MalformedResponse, outcome.Reason);
    }

    private static ApprovalOutcome Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ElicitationAnswerParser.Parse(document.RootElement);
    }
}
