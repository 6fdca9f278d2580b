using System.Globalization;
using System.Text;
using AgentExec.Core.Text;

namespace AgentExec.Tests.Core.Text;

public sealed class UntrustedTextTests
{
    [Theory]
    [InlineData("\u0000", "\\x00")]
    [InlineData("\u0007", "\\x07")]
    [InlineData("\n", "\\n")]
    [InlineData("\t", "\\t")]
    [InlineData("\r", "\\x0D")]
    [InlineData("\u001b", "\\x1B")]
    [InlineData("\u001f", "\\x1F")]
    [InlineData("\u007f", "\\x7F")]
    [InlineData("\u0085", "\\x85")]
    [InlineData("\u009b", "\\x9B")]
    [InlineData("\u00ad", "\\xAD")]
    [InlineData("\u061c", "\\u061C")]
    [InlineData("\u200b", "\\u200B")]
    [InlineData("\u200e", "\\u200E")]
    [InlineData("\u200f", "\\u200F")]
    [InlineData("\u2028", "\\u2028")]
    [InlineData("\u2029", "\\u2029")]
    [InlineData("\u202a", "\\u202A")]
    [InlineData("\u202e", "\\u202E")]
    [InlineData("\u2060", "\\u2060")]
    [InlineData("\u2066", "\\u2066")]
    [InlineData("\u2069", "\\u2069")]
    [InlineData("\ufeff", "\\uFEFF")]
    [InlineData("\U000E0041", "\\U000E0041")]
    public void Each_control_format_and_separator_character_is_shown_as_a_visible_escape_on_one_line(string character, string escape)
    {
        // Act
        var shown = UntrustedText.EscapeLine("a" + character + "b");

        // Assert
        Assert.Equal("a" + escape + "b", shown);
    }

    [Fact]
    public void A_lone_surrogate_is_shown_as_its_code_unit()
    {
        // Act
        var shown = UntrustedText.EscapeLine("a\ud800b\udc00");

        // Assert
        Assert.Equal("a\\uD800b\\uDC00", shown);
    }

    [Fact]
    public void The_block_form_keeps_newline_and_tab_and_escapes_every_other_control()
    {
        // Act
        var shown = UntrustedText.Escape("line\tone\nline two\r\u2028\u202e");

        // Assert
        Assert.Equal("line\tone\nline two\\x0D\\u2028\\u202E", shown);
    }

    [Fact]
    public void No_character_of_categories_cc_cf_zl_or_zp_survives_the_one_line_form()
    {
        // Arrange: every code point of the four categories, as .NET's Unicode tables define them.
        var hostile = new StringBuilder();
        for (var value = 0; value <= 0x10FFFF; value++)
        {
            if (Rune.IsValid(value) && IsControlOrSeparator(Rune.GetUnicodeCategory(new Rune(value))))
            {
                hostile.Append(new Rune(value).ToString());
            }
        }

        // Act
        var shown = UntrustedText.EscapeLine(hostile.ToString());

        // Assert
        Assert.True(hostile.Length > 300, "the table of categories looks empty");
        var survivors = shown.EnumerateRunes().Where(rune => IsControlOrSeparator(Rune.GetUnicodeCategory(rune))).ToArray();
        Assert.Empty(survivors);
    }

    [Fact]
    public void Ordinary_text_with_a_backslash_an_emoji_and_other_scripts_is_returned_unchanged()
    {
        // Arrange
        const string Ordinary = "grep -rn 'a\\.b' src # é 日本 😀 ✓";

        // Act
        var shown = UntrustedText.EscapeLine(Ordinary);

        // Assert
        Assert.Same(Ordinary, shown);
    }

    private static bool IsControlOrSeparator(UnicodeCategory category) =>
        category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
