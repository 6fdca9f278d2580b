namespace AgentExec.Tests.Fuzz;

/// <summary>
/// One edit of an elicitation answer, applied to the answer object itself or to its <c>content</c> object: the
/// changes a buggy client, a proxy or an attacker could make to a valid answer.
/// </summary>
/// <param name="Kind">Which edit (see <see cref="Apply"/>).</param>
/// <param name="Index">Which member, modulo the member count.</param>
/// <param name="InContent">Whether to edit <c>content</c> (when there is one) rather than the answer.</param>
/// <param name="Key">The key an added or renamed member gets.</param>
/// <param name="Value">The value an added or replaced member gets.</param>
internal sealed record AnswerMutation(int Kind, int Index, bool InContent, string Key, JsonTree Value)
{
    /// <summary>The number of kinds of edit.</summary>
    public const int Kinds = 9;

    /// <summary>The edited answer.</summary>
    public JsonTree Apply(JsonTree answer)
    {
        if (answer is JsonTree.ObjectValue top && InContent)
        {
            var content = top.Members.Select((member, i) => (member, i)).FirstOrDefault(pair => pair.member.Key == "content" && pair.member.Value is JsonTree.ObjectValue);
            if (content.member.Value is JsonTree.ObjectValue inner)
            {
                return WithMember(top, content.i, KeyValuePair.Create(content.member.Key, Edit(inner)));
            }
        }

        return Edit(answer);
    }

    /// <summary>The edit in words, for a failure report.</summary>
    public override string ToString() =>
        $"{KindName} #{Index}{(InContent ? " in content" : "")} key={Visible(Key)} value={Visible(JsonTreeText.Write(Value))}";

    private string KindName => Kind switch
    {
        0 => "add",
        1 => "remove",
        2 => "rename",
        3 => "replace value",
        4 => "duplicate",
        5 => "wrap in array",
        6 => "replace whole",
        7 => "change value type",
        _ => "move first",
    };

    private JsonTree Edit(JsonTree target)
    {
        if (target is not JsonTree.ObjectValue obj)
        {
            return Kind == 5 ? new JsonTree.ArrayValue([target]) : Value;
        }

        var members = obj.Members;
        var count = members.Count;
        var at = count == 0 ? 0 : Index % count;
        return Kind switch
        {
            0 => Inserted(obj, Index % (count + 1), KeyValuePair.Create(Key, Value)),
            1 when count > 0 => new JsonTree.ObjectValue([.. members.Where((_, i) => i != at)]),
            2 when count > 0 => WithMember(obj, at, KeyValuePair.Create(Key, members[at].Value)),
            3 when count > 0 => WithMember(obj, at, KeyValuePair.Create(members[at].Key, Value)),
            4 when count > 0 => Inserted(obj, Index % (count + 1), KeyValuePair.Create(members[at].Key, Index % 2 == 0 ? members[at].Value : Value)),
            5 => new JsonTree.ArrayValue([obj]),
            6 => Value,
            7 when count > 0 => WithMember(obj, at, KeyValuePair.Create(members[at].Key, Retyped(members[at].Value))),
            8 when count > 1 => new JsonTree.ObjectValue([members[at], .. members.Where((_, i) => i != at)]),
            _ => Inserted(obj, count, KeyValuePair.Create(Key, Value)),
        };
    }

    // The same information in another JSON type: "accept" as ["accept"], {"value":"accept"}, a number or a boolean.
    private JsonTree Retyped(JsonTree value) => (Index / 7 % 5) switch
    {
        0 => new JsonTree.ArrayValue([value]),
        1 => JsonTree.Object(("value", value)),
        2 => new JsonTree.NumberValue("1"),
        3 => new JsonTree.BoolValue(true),
        _ => value is JsonTree.StringValue text ? JsonTree.Object((text.Value, new JsonTree.BoolValue(true))) : JsonTree.Null,
    };

    private static JsonTree.ObjectValue WithMember(JsonTree.ObjectValue obj, int at, KeyValuePair<string, JsonTree> member) =>
        new([.. obj.Members.Select((existing, i) => i == at ? member : existing)]);

    private static JsonTree.ObjectValue Inserted(JsonTree.ObjectValue obj, int at, KeyValuePair<string, JsonTree> member) =>
        new([.. obj.Members.Take(at), member, .. obj.Members.Skip(at)]);

    private static string Visible(string text) =>
        text.Length > 80 ? FuzzText.Visible(text[..80]) + $"…({text.Length} chars)" : FuzzText.Visible(text);
}
