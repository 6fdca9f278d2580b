using System.Text;
using CsCheck;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// CsCheck generators of JSON values: arbitrary ones (nesting, odd strings and numbers), and near misses of a given
/// vocabulary (case variants, look-alikes, stray characters), which is where a table of exact words breaks.
/// </summary>
internal static class JsonGenerators
{
    /// <summary>Legal JSON number spellings that readers disagree about or overflow on.</summary>
    public static readonly string[] NumberSpellings =
    [
        "0", "-0", "1", "-1", "0.5", "1e3", "1E+2", "-1.5e-7", "1e400", "-1e400", "123456789012345678901234567890",
        "9007199254740993", "0.0000000000000000000000001", "2147483648", "-9223372036854775809", "1.0",
    ];

    // Characters a string of text rarely contains and a parser may mishandle: controls, NUL, DEL, BOM, bidi and
    // zero-width controls, separators, an unpaired surrogate of each kind, a pair, and non-ASCII letters.
    private static readonly string[] OddCharacters =
    [
        "\0", "\u0001", "\u001f", "\u007f", "\u0085", "\t", "\n", "\r", "\"", "\\", "/", "\uFEFF", "\u200B", "\u200D",
        "\u202E", "\u2066", "\u2028", "\u2029", "\uD800", "\uDFFF", "\uDBFF", "😀", "\uD83D\uDE00", "é", "e\u0301",
        "日本", "\uFFFD", "\uFFFF", "ſ", "ı", "İ", "K", "ß", "ﬆ", "Ａ", "а", "о", "с", "е",
    ];

    /// <summary>A string from an alphabet of ASCII, any UTF-16 unit (lone surrogates included) and the odd characters.</summary>
    public static readonly Gen<string> AnyString = Gen.Frequency(
        (6, Gen.Char['\u0020', '\u007e'].Array[0, 12].Select(chars => new string(chars))),
        (2, Gen.Char.Array[0, 8].Select(chars => new string(chars))),
        (3, Gen.OneOf(OddCharacters).Array[1, 6].Select(string.Concat)));

    /// <summary>Text of any length around the 500-code-point note limit, some of it astral, and now and then a long one.</summary>
    public static readonly Gen<string> LongText =
        from unit in Gen.OneOf("a", "😀", "é", "ab😀", "\uD800", "x\u0000")
        from count in Gen.Frequency((8, Gen.Int[495, 505]), (4, Gen.Int[0, 1200]), (1, Gen.Int[2_000, 20_000]))
        select string.Concat(Enumerable.Repeat(unit, count));

    /// <summary>A leaf: null, a boolean, a number or a string.</summary>
    public static readonly Gen<JsonTree> Leaf = Gen.Frequency(
        (1, Gen.Const(JsonTree.Null)),
        (1, Gen.Bool.Select(value => (JsonTree)new JsonTree.BoolValue(value))),
        (2, Gen.OneOf(NumberSpellings).Select(spelling => (JsonTree)new JsonTree.NumberValue(spelling))),
        (4, AnyString.Select(JsonTree.Of)),
        (1, LongText.Select(JsonTree.Of)));

    /// <summary>Any JSON value, nesting up to a handful of levels, now and then a long single chain.</summary>
    public static readonly Gen<JsonTree> AnyValue = Gen.Frequency(
        (12, Gen.Recursive<JsonTree>((depth, self) => depth >= 4
            ? Leaf
            : Gen.Frequency(
                (5, Leaf),
                (2, self.Array[0, 4].Select(items => (JsonTree)new JsonTree.ArrayValue(items))),
                (3, Gen.Select(AnyString, self).Array[0, 5].Select(members => (JsonTree)ObjectOf(members)))))),
        (1, Gen.Int[5, 50].Select(Leaf, (depth, leaf) => Chain(depth, leaf))));

    /// <summary>One of <paramref name="words"/> as it is, or a near miss of it (see <see cref="NearMiss"/>).</summary>
    public static Gen<string> WordOrNearMiss(string[] words) => Gen.Frequency(
        (3, Gen.OneOf(words)),
        (3, Gen.Select(Gen.OneOf(words), Gen.Int[0, NearMissKinds - 1], Gen.Int[0, 1000], NearMiss)),
        (1, AnyString));

    /// <summary>The number of kinds of near miss <see cref="NearMiss"/> knows.</summary>
    public const int NearMissKinds = 16;

    /// <summary>
    /// <paramref name="word"/> changed in one way a client, a proxy or an attacker might: case, a Unicode
    /// look-alike or case-folding equivalent, a stray invisible or control character, a cut or a repeat.
    /// </summary>
    public static string NearMiss(string word, int kind, int where)
    {
        if (word.Length == 0)
        {
            return "\u200B";
        }

        var at = where % word.Length;
        return kind switch
        {
            0 => word.ToUpperInvariant(),
            1 => char.ToUpperInvariant(word[0]) + word[1..],
            2 => word[..at] + char.ToUpperInvariant(word[at]) + word[(at + 1)..],
            3 => Replace(word, 's', "\u017F", where), // LATIN SMALL LETTER LONG S: folds to s
            4 => Replace(word, 'i', where % 2 == 0 ? "\u0131" : "\u0130", where), // dotless i, dotted capital I
            5 => Replace(word, 'a', "\u0430", where).Replace('o', '\u043E').Replace('c', '\u0441'), // Cyrillic look-alikes
            6 => word + (where % 3 == 0 ? " " : where % 3 == 1 ? "\0" : "\n"),
            7 => (where % 2 == 0 ? "\uFEFF" : " ") + word,
            8 => word[..at] + "\u200B" + word[at..],
            9 => word[..^1],
            10 => word + word,
            11 => word + "\uD800",
            12 => new string([.. word.Select(c => c is >= 'a' and <= 'z' ? (char)(c - 'a' + 'ａ') : c)]), // full-width
            13 => word.Replace("ss", where % 2 == 0 ? "ß" : "\u1E9E", StringComparison.Ordinal),
            14 => word.Normalize(NormalizationForm.FormD) + "\u0301",
            _ => word.Replace('_', '-'),
        };
    }

    /// <summary>An object from its members, in order.</summary>
    public static JsonTree.ObjectValue ObjectOf(IEnumerable<(string Key, JsonTree Value)> members) =>
        new([.. members.Select(member => KeyValuePair.Create(member.Key, member.Value))]);

    private static JsonTree Chain(int depth, JsonTree leaf)
    {
        var value = leaf;
        for (var level = 0; level < depth; level++)
        {
            value = level % 2 == 0 ? new JsonTree.ArrayValue([value]) : JsonTree.Object(("content", value));
        }

        return value;
    }

    private static string Replace(string word, char from, string to, int where)
    {
        var positions = Enumerable.Range(0, word.Length).Where(i => word[i] == from).ToArray();
        if (positions.Length == 0)
        {
            return word + to;
        }

        var at = positions[where % positions.Length];
        return word[..at] + to + word[(at + 1)..];
    }
}
