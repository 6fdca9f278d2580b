using System.Globalization;
using System.Text;

namespace AgentExec.Core.Approval;

/// <summary>
/// Makes text from the agent, a command's output or a model safe to show to a human (SPEC.md "Elicitation"):
/// control characters, ANSI escapes and bidirectional controls become visible escapes, never pass through.
/// </summary>
public static class UntrustedText
{
    /// <summary>
    /// Escapes C0 controls except newline and tab, DEL, C1 controls and the bidi controls U+200E, U+200F,
    /// U+202A–U+202E and U+2066–U+2069 as <c>\xHH</c> / <c>\uHHHH</c>; a backslash itself is left as is.
    /// </summary>
    /// <remarks>ESC is a C0 control, so an ANSI sequence loses its introducer and prints as inert text.</remarks>
    public static string Escape(string text)
    {
        var firstUnsafe = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]))
            {
                firstUnsafe = i;
                break;
            }
        }

        if (firstUnsafe < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text, 0, firstUnsafe);
        for (var i = firstUnsafe; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsUnsafe(c))
            {
                builder.Append(c);
            }
            else if (c <= '\u00FF')
            {
                builder.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Like <see cref="Escape"/>, and newlines and tabs too become <c>\n</c> and <c>\t</c>: for text shown on one line,
    /// where an embedded newline could forge the lines that follow it (a fake "Allow?" or audit entry).
    /// </summary>
    public static string EscapeLine(string text) =>
        Escape(text).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

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
            var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 4 : Encoding.UTF8.GetByteCount(text.AsSpan(i, 1));
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

    private static bool IsUnsafe(char c) =>
        (c < ' ' && c != '\n' && c != '\t')
        || (c >= '\u007F' && c <= '\u009F')
        || c is '\u200E' or '\u200F'
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069');
}
