using System.Buffers;
using System.Globalization;
using System.Text;

namespace AgentExec.Core.Text;

/// <summary>
/// Makes text from the agent, a command's output or a model safe to show to a human (SPEC.md "Elicitation"):
/// every control, format, line- and paragraph-separator character (Unicode categories Cc, Cf, Zl, Zp) becomes a
/// visible escape, never passes through. This is the one escaper: every renderer of untrusted text calls it.
/// </summary>
/// <remarks>
/// Escapes are <c>\n</c> and <c>\t</c> for newline and tab, <c>\xHH</c> up to U+00FF, <c>\uHHHH</c> for the rest of
/// the basic plane, <c>\UHHHHHHHH</c> above it (the tag characters U+E0000–U+E007F are format characters that hide
/// text from a reader), and <c>\uHHHH</c> for a lone surrogate. A backslash itself is left as is, so a literal
/// <c>\n</c> typed by the agent reads like an escaped newline: harmless, because neither starts a line.
/// The categories come from .NET's own Unicode tables, not the operating system's.
/// </remarks>
public static class UntrustedText
{
    /// <summary>
    /// Escapes every Cc, Cf, Zl and Zp character except newline and tab, which are kept: for text shown as a block of
    /// lines under a label of AgentExec's own (a diagnostic, <c>check</c>'s output).
    /// </summary>
    /// <remarks>ESC is a control, so an ANSI sequence loses its introducer and prints as inert text.</remarks>
    public static string Escape(string text) => Escape(text, keepLineBreaks: true);

    /// <summary>
    /// Escapes every Cc, Cf, Zl and Zp character, newline and tab included (<c>\n</c>, <c>\t</c>): for text shown on
    /// one line, where an embedded newline could forge the lines that follow it (a fake <c>Risk:</c> line, a fake
    /// "Allow?" or audit entry). The approval question uses only this form.
    /// </summary>
    public static string EscapeLine(string text) => Escape(text, keepLineBreaks: false);

    /// <summary>
    /// <see cref="EscapeLine"/>, then a Markdown code span around the result that nothing inside it can end: for outside
    /// text in the approval question, which clients may draw as Markdown.
    /// </summary>
    /// <remarks>
    /// VS Code builds the elicitation message as a Markdown string. Outside a code span, the agent's text was Markdown
    /// too: a backtick in the command ended the span it was quoted in, and a link opened there (<c>[ls](x "</c>) whose
    /// title ran to a <c>")</c> in the justification hid the rest of the command and every server line between them
    /// (what will run, the sandbox, why it asks) in the link's tooltip; the question read "Allow the agent to run echo
    /// 'ls -la — list the files" (found by an attack). Character references (<c>&amp;#x202E;</c>) drew the very bidi
    /// controls the escaping removes. Inside a code span nothing is interpreted, and the fence is one backtick longer
    /// than the longest run of backticks in the text, so the text cannot close it; a space pads a text that starts or
    /// ends with a backtick (or is empty), as CommonMark asks. A plain-text client shows the fence, which reads as quoting.
    /// </remarks>
    public static string InlineCode(string text) => CodeSpan(EscapeLine(text));

    /// <summary>
    /// <see cref="EscapeLine"/>, wrapped as <see cref="InlineCode"/> only when the text holds a character that can begin
    /// Markdown that hides or changes text (a code span, a link or image, HTML or an autolink, a character reference:
    /// <c>`</c>, <c>[</c>, <c>]</c>, <c>&lt;</c>, <c>&amp;</c>); other text is shown as it was. Emphasis, which
    /// only restyles text that stays visible, does not count.
    /// </summary>
    public static string InlineText(string text) => InlineTextOfEscaped(EscapeLine(text));

    /// <summary><see cref="InlineText"/> for text that has been through <see cref="EscapeLine"/> already.</summary>
    internal static string InlineTextOfEscaped(string escaped) => HoldsMarkdown(escaped) ? CodeSpan(escaped) : escaped;

    /// <summary>Whether <paramref name="text"/> holds a character <see cref="InlineText"/> takes for the start of Markdown.</summary>
    internal static bool HoldsMarkdown(ReadOnlySpan<char> text) => text.IndexOfAny(MarkdownOpeners) >= 0;

    private static readonly SearchValues<char> MarkdownOpeners = SearchValues.Create("`[]<&");

    private static string CodeSpan(string escaped)
    {
        int longest = 0, run = 0;
        foreach (var c in escaped)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', longest + 1);
        var pad = escaped.Length == 0 || escaped[0] == '`' || escaped[^1] == '`' ? " " : string.Empty;
        return fence + pad + escaped + pad + fence;
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxCodePoints"/> Unicode code points, never splitting a surrogate pair.</summary>
    public static string Truncate(string text, int maxCodePoints)
    {
        var codePoints = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (codePoints == maxCodePoints)
            {
                return text[..i];
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }

            codePoints++;
        }

        return text;
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxBytes"/> bytes of UTF-8, at a character boundary.</summary>
    public static string TruncateUtf8(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var bytes = 0;
        for (var i = 0; i < text.Length; i++)
        {
            // A pair is 4 bytes; a lone surrogate is written as U+FFFD (3 bytes), and the unit after it is its own.
            var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                ? 4
                : Encoding.UTF8.GetByteCount(text.AsSpan(i, 1));
            if (bytes + width > maxBytes)
            {
                return text[..i];
            }

            bytes += width;
            if (width == 4)
            {
                i++;
            }
        }

        return text;
    }

    private static string Escape(string text, bool keepLineBreaks)
    {
        var first = IndexOfUnsafe(text, keepLineBreaks);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text, 0, first);
        var i = first;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != OperationStatus.Done)
            {
                // A lone surrogate is not a character at all: show the code unit rather than let a renderer guess.
                builder.Append("\\u").Append(((int)text[i]).ToString("X4", CultureInfo.InvariantCulture));
                i++;
                continue;
            }

            if (!IsUnsafe(rune, keepLineBreaks))
            {
                builder.Append(text, i, used);
            }
            else
            {
                AppendEscape(builder, rune.Value);
            }

            i += used;
        }

        return builder.ToString();
    }

    private static void AppendEscape(StringBuilder builder, int value)
    {
        switch (value)
        {
            case '\n':
                builder.Append("\\n");
                break;
            case '\t':
                builder.Append("\\t");
                break;
            case <= 0xFF:
                builder.Append("\\x").Append(value.ToString("X2", CultureInfo.InvariantCulture));
                break;
            case <= 0xFFFF:
                builder.Append("\\u").Append(value.ToString("X4", CultureInfo.InvariantCulture));
                break;
            default:
                builder.Append("\\U").Append(value.ToString("X8", CultureInfo.InvariantCulture));
                break;
        }
    }

    private static int IndexOfUnsafe(string text, bool keepLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= ' ' and < '\u007F')
            {
                continue;
            }

            if (char.IsSurrogate(c))
            {
                if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != OperationStatus.Done || IsUnsafe(rune, keepLineBreaks))
                {
                    return i;
                }

                i += used - 1;
            }
            else if (IsUnsafe(new Rune(c), keepLineBreaks))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsUnsafe(Rune rune, bool keepLineBreaks)
    {
        if (keepLineBreaks && rune.Value is '\n' or '\t')
        {
            return false;
        }

        return HidesOrControls(rune);
    }

    /// <summary>
    /// The one rule for which characters from outside may not be shown as themselves, wherever AgentExec shows text a
    /// human or a model reads: controls (C0, DEL, C1), format characters (bidi overrides and isolates, zero-width
    /// characters, the BOM, soft hyphens, Unicode tag characters that can smuggle invisible text) and the line and
    /// paragraph separators.
    /// </summary>
    public static bool HidesOrControls(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
