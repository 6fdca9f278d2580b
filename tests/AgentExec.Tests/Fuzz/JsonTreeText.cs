using System.Globalization;
using System.Text;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// Writes a <see cref="JsonTree"/> as JSON text in many legal spellings, and reads JSON text back strictly (RFC 8259),
/// independently of System.Text.Json, so the fuzzers' judgement does not lean on the library under test.
/// </summary>
internal static class JsonTreeText
{
    /// <summary>Past this nesting <see cref="Parse"/> gives up: the fuzzers treat such text as "not a JSON value".</summary>
    public const int MaxParseDepth = 512;

    private static readonly string[] InsignificantWhitespace = [" ", "\t", "  "];
    private static readonly string[] LineBreakingWhitespace = ["\n", "\r", "\r\n"];

    /// <summary>
    /// The JSON text of <paramref name="tree"/>. Spelling 0 is compact with only the escapes JSON requires; any other
    /// value seeds a spelling with random insignificant whitespace and needless <c>\u</c> escapes (a different text of
    /// the same value). Unpaired surrogates are always escaped, so the text is valid UTF-16.
    /// </summary>
    /// <param name="tree">The value.</param>
    /// <param name="spelling">0, or a seed for the random spelling.</param>
    /// <param name="lineBreaks">Whether the random whitespace may include CR and LF (never in a JSON-RPC line).</param>
    public static string Write(JsonTree tree, int spelling = 0, bool lineBreaks = false)
    {
        var text = new StringBuilder();
        new Writer(text, spelling == 0 ? null : new Random(spelling), lineBreaks).Value(tree);
        return text.ToString();
    }

    /// <summary>Reads one JSON value from <paramref name="text"/>; throws <see cref="FormatException"/> when it is not exactly one.</summary>
    public static JsonTree Parse(string text)
    {
        var reader = new Reader(text);
        reader.SkipWhitespace();
        var value = reader.Value(0);
        reader.SkipWhitespace();
        return reader.AtEnd ? value : throw new FormatException($"text after the value at {reader.Position}");
    }

    /// <summary>True, with the value, when <paramref name="text"/> is exactly one JSON value.</summary>
    public static bool TryParse(string text, out JsonTree value)
    {
        try
        {
            value = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            value = JsonTree.Null;
            return false;
        }
    }

    private sealed class Writer(StringBuilder text, Random? random, bool lineBreaks)
    {
        public void Value(JsonTree tree)
        {
            Space();
            switch (tree)
            {
                case JsonTree.NullValue:
                    text.Append("null");
                    break;
                case JsonTree.BoolValue flag:
                    text.Append(flag.Value ? "true" : "false");
                    break;
                case JsonTree.NumberValue number:
                    text.Append(number.Spelling);
                    break;
                case JsonTree.StringValue value:
                    String(value.Value);
                    break;
                case JsonTree.ArrayValue array:
                    text.Append('[');
                    for (var i = 0; i < array.Items.Count; i++)
                    {
                        text.Append(i == 0 ? "" : ",");
                        Value(array.Items[i]);
                    }

                    Space();
                    text.Append(']');
                    break;
                case JsonTree.ObjectValue obj:
                    text.Append('{');
                    for (var i = 0; i < obj.Members.Count; i++)
                    {
                        text.Append(i == 0 ? "" : ",");
                        Space();
                        String(obj.Members[i].Key);
                        Space();
                        text.Append(':');
                        Value(obj.Members[i].Value);
                    }

                    Space();
                    text.Append('}');
                    break;
                default:
                    throw new ArgumentException($"unknown node {tree.GetType().Name}", nameof(tree));
            }

            Space();
        }

        private void Space()
        {
            if (random is null || random.Next(6) != 0)
            {
                return;
            }

            text.Append(lineBreaks && random.Next(3) == 0
                ? LineBreakingWhitespace[random.Next(LineBreakingWhitespace.Length)]
                : InsignificantWhitespace[random.Next(InsignificantWhitespace.Length)]);
        }

        private void String(string value)
        {
            text.Append('"');
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                var paired = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
                if (paired && random?.Next(8) != 0)
                {
                    text.Append(c).Append(value[++i]);
                }
                else if (char.IsSurrogate(c) || c < 0x20 || random?.Next(10) == 0)
                {
                    Escaped(c);
                }
                else if (c is '"' or '\\')
                {
                    text.Append('\\').Append(c);
                }
                else if (c == '/' && random?.Next(2) == 0)
                {
                    text.Append("\\/");
                }
                else
                {
                    text.Append(c);
                }
            }

            text.Append('"');
        }

        private void Escaped(char c)
        {
            var shortForm = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                _ => null,
            };
            if (shortForm is not null && random?.Next(2) != 0)
            {
                text.Append(shortForm);
                return;
            }

            var hex = ((int)c).ToString(random?.Next(2) == 0 ? "X4" : "x4", CultureInfo.InvariantCulture);
            text.Append("\\u").Append(hex);
        }
    }

    private sealed class Reader(string text)
    {
        public int Position { get; private set; }

        public bool AtEnd => Position == text.Length;

        public void SkipWhitespace()
        {
            while (Position < text.Length && text[Position] is ' ' or '\t' or '\n' or '\r')
            {
                Position++;
            }
        }

        public JsonTree Value(int depth)
        {
            if (depth > MaxParseDepth)
            {
                throw new FormatException("nested too deeply");
            }

            return Peek() switch
            {
                '{' => Object(depth),
                '[' => Array(depth),
                '"' => new JsonTree.StringValue(String()),
                't' => Literal("true", new JsonTree.BoolValue(true)),
                'f' => Literal("false", new JsonTree.BoolValue(false)),
                'n' => Literal("null", JsonTree.Null),
                '-' or (>= '0' and <= '9') => Number(),
                _ => throw Fail("a value"),
            };
        }

        private JsonTree.ObjectValue Object(int depth)
        {
            Position++;
            var members = new List<KeyValuePair<string, JsonTree>>();
            SkipWhitespace();
            if (Peek() == '}')
            {
                Position++;
                return new JsonTree.ObjectValue(members);
            }

            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"')
                {
                    throw Fail("a key");
                }

                var key = String();
                SkipWhitespace();
                Expect(':');
                SkipWhitespace();
                members.Add(KeyValuePair.Create(key, Value(depth + 1)));
                SkipWhitespace();
                if (Next() == '}')
                {
                    return new JsonTree.ObjectValue(members);
                }

                Position--;
                Expect(',');
            }
        }

        private JsonTree.ArrayValue Array(int depth)
        {
            Position++;
            var items = new List<JsonTree>();
            SkipWhitespace();
            if (Peek() == ']')
            {
                Position++;
                return new JsonTree.ArrayValue(items);
            }

            while (true)
            {
                SkipWhitespace();
                items.Add(Value(depth + 1));
                SkipWhitespace();
                if (Next() == ']')
                {
                    return new JsonTree.ArrayValue(items);
                }

                Position--;
                Expect(',');
            }
        }

        private string String()
        {
            Expect('"');
            var value = new StringBuilder();
            while (true)
            {
                var c = Next();
                if (c == '"')
                {
                    return value.ToString();
                }

                if (c < 0x20)
                {
                    throw Fail("no raw control character in a string");
                }

                if (c != '\\')
                {
                    value.Append(c);
                    continue;
                }

                var escape = Next();
                value.Append(escape switch
                {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'b' => '\b',
                    'f' => '\f',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'u' => Hex4(),
                    _ => throw Fail("a known escape"),
                });
            }
        }

        private char Hex4()
        {
            if (Position + 4 > text.Length || !int.TryParse(text.AsSpan(Position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                throw Fail("four hex digits");
            }

            Position += 4;
            return (char)code;
        }

        private JsonTree.NumberValue Number()
        {
            var start = Position;
            if (Peek() == '-')
            {
                Position++;
            }

            if (Peek() == '0')
            {
                Position++;
            }
            else
            {
                Digits();
            }

            if (Peek() == '.')
            {
                Position++;
                Digits();
            }

            if (Peek() is 'e' or 'E')
            {
                Position++;
                if (Peek() is '+' or '-')
                {
                    Position++;
                }

                Digits();
            }

            return new JsonTree.NumberValue(text[start..Position]);
        }

        private void Digits()
        {
            if (Peek() is not (>= '0' and <= '9'))
            {
                throw Fail("a digit");
            }

            while (Peek() is >= '0' and <= '9')
            {
                Position++;
            }
        }

        private JsonTree Literal(string word, JsonTree value)
        {
            if (string.CompareOrdinal(text, Position, word, 0, word.Length) != 0)
            {
                throw Fail(word);
            }

            Position += word.Length;
            return value;
        }

        private void Expect(char c)
        {
            if (Next() != c)
            {
                throw Fail($"'{c}'");
            }
        }

        private char Peek() => Position < text.Length ? text[Position] : '\0';

        private char Next() => Position < text.Length ? text[Position++] : throw Fail("more text");

        private FormatException Fail(string expected) => new($"expected {expected} at {Position}");
    }
}
