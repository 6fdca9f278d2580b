namespace AgentExec.Tests.Fuzz;

/// <summary>
/// A JSON value as the fuzzers build and judge it. Unlike <c>JsonNode</c> it keeps what a fuzzer needs to send and
/// System.Text.Json would refuse to hold: duplicate keys in their order, strings with unpaired surrogates (which only
/// a <c>\uD800</c> escape can carry) and numbers spelled exactly as sent.
/// </summary>
internal abstract record JsonTree
{
    /// <summary><c>null</c>.</summary>
    public sealed record NullValue : JsonTree;

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public sealed record BoolValue(bool Value) : JsonTree;

    /// <summary>A number, kept as its JSON spelling (<c>-0</c>, <c>1E400</c> and 30-digit integers included).</summary>
    public sealed record NumberValue(string Spelling) : JsonTree;

    /// <summary>A string after unescaping: UTF-16 code units, possibly unpaired surrogates.</summary>
    public sealed record StringValue(string Value) : JsonTree;

    /// <summary>An array.</summary>
    public sealed record ArrayValue(IReadOnlyList<JsonTree> Items) : JsonTree;

    /// <summary>An object: its members in order, duplicates kept.</summary>
    public sealed record ObjectValue(IReadOnlyList<KeyValuePair<string, JsonTree>> Members) : JsonTree;

    /// <summary>The shared <c>null</c>.</summary>
    public static readonly JsonTree Null = new NullValue();

    /// <summary>A string value.</summary>
    public static JsonTree Of(string value) => new StringValue(value);

    /// <summary>An object from its members, in this order.</summary>
    public static ObjectValue Object(params (string Key, JsonTree Value)[] members) =>
        new([.. members.Select(member => KeyValuePair.Create(member.Key, member.Value))]);

    /// <summary>True when <paramref name="text"/> is Unicode text: no surrogate without its partner.</summary>
    public static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
