using System.Text.Encodings.Web;
using System.Text.Json;
using AgentExec.Core.Pipeline;
using AgentExec.Mcp.Tools;
using ModelContextProtocol.Protocol;

namespace AgentExec.Tests.Mcp.Tools;

/// <summary>The text block's JSON: readable text stays literal, control, bidi and invisible characters stay escaped.</summary>
public sealed class ReadableJsonTextTests
{
    // What must stay escaped (SPEC.md: what JSON requires, control and bidi characters, and the invisible formatting
    // ones: every BMP format character of Unicode 15, soft hyphen and Arabic number signs included), written out apart
    // from the product's rule so that a change to either is seen.
    private static readonly char[] Escaped =
    [
        '"', '\\',
        .. Range('\u0000', '\u001F'), .. Range('\u007F', '\u009F'), '\u00AD',
        .. Range('\u0600', '\u0605'), '\u061C', '\u06DD', '\u070F', '\u0890', '\u0891', '\u08E2', '\u180E',
        .. Range('\u200B', '\u200F'), '\u2028', '\u2029', .. Range('\u202A', '\u202E'),
        .. Range('\u2060', '\u2064'), .. Range('\u2066', '\u206F'), '\uFEFF', .. Range('\uFFF9', '\uFFFB'),
    ];

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void Non_ASCII_text_markup_characters_and_emoji_stay_literal()
    {
        const string Value = "é ü 日本 <b>&'human's' 😀 \u00A0";

        var text = ReadableJsonText.From(JsonSerializer.SerializeToElement(Value));

        Assert.Equal("\"" + Value + "\"", text);
    }

    [Fact]
    public void Every_character_on_the_list_stays_escaped_and_parses_back()
    {
        foreach (var c in Escaped)
        {
            var text = ReadableJsonText.From(JsonSerializer.SerializeToElement("a" + c + "b"));

            if (c is '"' or '\\')
            {
                Assert.Equal("\"a\\" + c + "b\"", text);
            }
            else
            {
                Assert.DoesNotContain(c, text);
            }

            Assert.Equal("a" + c + "b", JsonSerializer.Deserialize<string>(text));
        }
    }

    [Fact]
    public void Every_BMP_character_parses_back_to_itself_and_is_literal_unless_it_is_on_the_list()
    {
        for (var code = 0; code <= 0xFFFF; code++)
        {
            var c = (char)code;
            if (char.IsSurrogate(c))
            {
                continue;
            }

            var text = ReadableJsonText.From(JsonSerializer.SerializeToElement(c.ToString()));

            Assert.Equal(c.ToString(), JsonSerializer.Deserialize<string>(text));
            Assert.Equal(!Escaped.Contains(c), text == "\"" + c + "\"");
        }
    }

    [Theory]
    [InlineData("\U000E0041\U000E0042", "\\uDB40\\uDC41\\uDB40\\uDC42")]
    [InlineData("\U000E0001", "\\uDB40\\uDC01")]
    [InlineData("\U0001D173", "\\uD834\\uDD73")]
    public void Tag_characters_beyond_the_BMP_stay_escaped_so_no_invisible_text_reaches_the_model(string value, string escaped)
    {
        var text = ReadableJsonText.From(JsonSerializer.SerializeToElement("a" + value + "b"));

        Assert.Equal("\"a" + escaped + "b\"", text);
        Assert.Equal("a" + value + "b", JsonSerializer.Deserialize<string>(text));
    }

    [Fact]
    public void An_escaped_backslash_before_a_u_is_not_taken_for_an_escape()
    {
        const string Value = "\\u00e9 \\\\u0041 \\\"";

        var text = ReadableJsonText.From(JsonSerializer.SerializeToElement(Value));

        Assert.Equal(Value, JsonSerializer.Deserialize<string>(text));
    }

    [Theory]
    [InlineData("\"a\\uD800b\"", "\"a\\uD800b\"")]
    [InlineData("\"a\\uDC00\"", "\"a\\uDC00\"")]
    [InlineData("\"\\uD83D\\u0041\"", "\"\\uD83DA\"")]
    [InlineData("\"\\uD83D", "\"\\uD83D")]
    [InlineData("\"\\u12", "\"\\u12")]
    [InlineData("\\", "\\")]
    public void A_surrogate_that_is_not_half_of_a_pair_stays_escaped_and_a_cut_escape_stays_as_it_was(string json, string expected)
    {
        var text = ReadableJsonText.Relax(json);

        Assert.Equal(expected, text);
    }

    [Fact]
    public void A_result_whose_text_holds_half_a_surrogate_pair_renders_without_throwing()
    {
        var rendered = ShellToolResultRenderer.Render(ShellResult.NotRun(ShellStatus.FailedToStart, "half \uD800 a pair"));

        var text = Assert.IsType<TextContentBlock>(Assert.Single(rendered.Content)).Text;
        Assert.DoesNotContain('\uD800', text);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(text).RootElement, rendered.StructuredContent!.Value));
    }

    [Fact]
    public void The_relaxed_encoder_is_no_substitute_it_leaves_bidi_controls_literal_and_escapes_emoji()
    {
        // Why the product does not simply use UnsafeRelaxedJsonEscaping (see ReadableJsonText's remarks).
        var relaxed = JsonSerializer.Serialize("\u202E😀", Relaxed);

        Assert.Contains('\u202E', relaxed);
        Assert.DoesNotContain("😀", relaxed, StringComparison.Ordinal);
    }

    private static IEnumerable<char> Range(char first, char last) => Enumerable.Range(first, last - first + 1).Select(code => (char)code);
}
