using CsCheck;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// Generators of elicitation answers: shaped like the table's answers from its own vocabulary and near misses of
/// it, and the corpus's answers under a few <see cref="AnswerMutation"/>s.
/// </summary>
internal static class AnswerGenerators
{
    private static readonly string[] TopKeys = ["action", "content", "_meta", "decision"];
    private static readonly string[] ContentKeys = ["scope", "decision", "reason", "note", "other"];
    private static readonly string[] Verbs = ["accept", "decline", "cancel"];
    private static readonly string[] ValueWords = ["once", "session", "approved", "approved_for_session", "denied", "abort", "accept", "true", ""];

    /// <summary>A key of <c>content</c> with a value that suits it most of the time.</summary>
    private static readonly Gen<(string Key, JsonTree Value)> ContentMember =
        from key in JsonGenerators.WordOrNearMiss(ContentKeys)
        from value in Gen.Frequency(
            (4, JsonGenerators.WordOrNearMiss(ValueWords).Select(JsonTree.Of)),
            (2, JsonGenerators.LongText.Select(JsonTree.Of)),
            (2, JsonGenerators.AnyValue))
        select (key, value);

    /// <summary>A <c>content</c> object: zero to four members.</summary>
    private static readonly Gen<JsonTree> Content = ContentMember.Array[0, 4].Select(members => (JsonTree)JsonGenerators.ObjectOf(members));

    /// <summary>A top-level member: a key of the table or a near miss, with a value that suits the key most of the time.</summary>
    private static readonly Gen<(string Key, JsonTree Value)> TopMember =
        from key in JsonGenerators.WordOrNearMiss(TopKeys)
        from value in ValueFor(key)
        select (key, value);

    /// <summary>Now and then a member more, of any kind.</summary>
    private static readonly Gen<(string Key, JsonTree Value)[]> Extra = Gen.Frequency(
        (5, Gen.Const(Array.Empty<(string Key, JsonTree Value)>())),
        (1, TopMember.Array[1, 2]));

    /// <summary>
    /// An answer object built from the table's vocabulary and near misses of it: mostly an action answer or a legacy
    /// answer, in any member order, sometimes with a member more; otherwise any members at all.
    /// </summary>
    public static readonly Gen<JsonTree> Shaped = Gen.Frequency(
        (3, from verb in JsonGenerators.WordOrNearMiss(Verbs)
            from content in Optional(ValueFor("content"), 4)
            from meta in Optional(ValueFor("_meta"), 1)
            from extra in Extra
            from members in Gen.Shuffle(AsArray([("action", JsonTree.Of(verb)), .. Named("content", content), .. Named("_meta", meta), .. extra]))
            select (JsonTree)JsonGenerators.ObjectOf(members)),
        (1, from decision in ValueFor("decision")
            from meta in Optional(ValueFor("_meta"), 1)
            from extra in Extra
            from members in Gen.Shuffle(AsArray([("decision", decision), .. Named("_meta", meta), .. extra]))
            select (JsonTree)JsonGenerators.ObjectOf(members)),
        (2, TopMember.Array[0, 4].Select(members => (JsonTree)JsonGenerators.ObjectOf(members))));

    /// <summary>One to three edits.</summary>
    public static readonly Gen<AnswerMutation[]> Mutations =
        (from kind in Gen.Int[0, AnswerMutation.Kinds - 1]
         from index in Gen.Int[0, 1000]
         from inContent in Gen.Bool
         from key in JsonGenerators.WordOrNearMiss([.. TopKeys, .. ContentKeys])
         from value in Gen.Frequency((2, JsonGenerators.WordOrNearMiss(ValueWords).Select(JsonTree.Of)), (1, Content), (2, JsonGenerators.AnyValue))
         select new AnswerMutation(kind, index, inContent, key, value)).Array[1, 3];

    /// <summary>Answers the table lists, as seeds beside the corpus (which holds them too, so a lost file loses nothing).</summary>
    public static IReadOnlyList<JsonTree> TableRows { get; } =
    [
        JsonTree.Object(("action", JsonTree.Of("accept"))),
        JsonTree.Object(("action", JsonTree.Of("accept")), ("content", JsonTree.Object())),
        JsonTree.Object(("action", JsonTree.Of("accept")), ("content", JsonTree.Object(("scope", JsonTree.Of("once"))))),
        JsonTree.Object(("action", JsonTree.Of("accept")), ("content", JsonTree.Object(("scope", JsonTree.Of("session"))))),
        .. new[] { "approved", "approved_for_session", "denied", "abort" }.SelectMany(decision => new JsonTree[]
        {
            JsonTree.Object(("action", JsonTree.Of("accept")), ("content", JsonTree.Object(("decision", JsonTree.Of(decision))))),
            JsonTree.Object(("decision", JsonTree.Of(decision))),
        }),
        JsonTree.Object(("action", JsonTree.Of("decline"))),
        JsonTree.Object(("action", JsonTree.Of("cancel"))),
        JsonTree.Object(("action", JsonTree.Of("accept")), ("content", JsonTree.Object(("scope", JsonTree.Of("session")), ("reason", JsonTree.Of("ok"))))),
    ];

    /// <summary>Seeds (the table's rows and the corpus) under one to three edits.</summary>
    public static Gen<JsonTree> Mutated(IReadOnlyList<JsonTree> seeds) =>
        from seed in Gen.OneOf([.. seeds])
        from edits in Mutations
        select edits.Aggregate(seed, (answer, edit) => edit.Apply(answer));

    // A value present in `weight` out of weight + 2 cases.
    private static Gen<JsonTree?> Optional(Gen<JsonTree> value, int weight) =>
        Gen.Frequency((2, Gen.Const((JsonTree?)null)), (weight, value.Select(present => (JsonTree?)present)));

    // Gives a collection expression its type: Gen.Shuffle has an array and a list overload.
    private static (string Key, JsonTree Value)[] AsArray((string Key, JsonTree Value)[] members) => members;

    private static (string Key, JsonTree Value)[] Named(string key, JsonTree? value) => value is null ? [] : [(key, value)];

    private static Gen<JsonTree> ValueFor(string key) => key switch
    {
        "action" => Gen.Frequency((6, JsonGenerators.WordOrNearMiss(Verbs).Select(JsonTree.Of)), (1, JsonGenerators.AnyValue)),
        "content" => Gen.Frequency((6, Content), (1, JsonGenerators.AnyValue)),
        "decision" => Gen.Frequency((6, JsonGenerators.WordOrNearMiss(ValueWords).Select(JsonTree.Of)), (1, JsonGenerators.AnyValue)),
        "_meta" => Gen.Frequency((4, Content), (1, JsonGenerators.AnyValue)),
        _ => Gen.Frequency((2, JsonGenerators.WordOrNearMiss([.. Verbs, .. ValueWords]).Select(JsonTree.Of)), (1, Content), (2, JsonGenerators.AnyValue)),
    };
}
