using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentExec.Core.Text;

namespace AgentExec.Mcp.Tools;

/// <summary>
/// The <c>shell</c> tool's text block (SPEC.md "MCP tool shell", Result): the same JSON as <c>structuredContent</c>,
/// escaping only what JSON requires plus control, bidi and invisible formatting characters, so that non-ASCII text,
/// <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> and <c>'</c> reach the model as they are.
/// </summary>
/// <remarks>
/// <para>
/// System.Text.Json's default encoder escapes every non-ASCII character and <c>&lt;&gt;&amp;'</c> (a client that hands
/// the text to the model shows it <c>\u00E9</c> and <c>human\u0027s</c>). <c>UnsafeRelaxedJsonEscaping</c> is no
/// answer: it leaves the bidi controls (U+202E…) literal and still escapes every character beyond the BMP (emoji).
/// A <c>JavaScriptEncoder</c> subclass would have to override a pointer-taking method, which this project does not
/// allow; so the default encoder writes, and one pass here undoes the <c>\uXXXX</c> escapes that are not needed.
/// </para>
/// <para>
/// Undoing an escape restores exactly the character it stood for, so the text parses to the same JSON as the
/// element. What stays escaped: <c>"</c> and <c>\</c>, any surrogate that is not half of a pair, and every character
/// <see cref="UntrustedText.HidesOrControls"/> refuses to show anywhere else (controls, bidi and other format
/// characters such as zero-width ones and Unicode tags, line and paragraph separators) — one rule for the terminal,
/// the question and the text block.
/// </para>
/// </remarks>
internal static class ReadableJsonText
{
    /// <summary>The JSON text of <paramref name="element"/>, escaped only as far as the text block needs.</summary>
    public static string From(JsonElement element) => Relax(element.GetRawText());

    /// <summary>Undoes the <c>\uXXXX</c> escapes of <paramref name="json"/> that stand for characters safe to show as they are.</summary>
    /// <param name="json">JSON text; any other escape (<c>\n</c>, <c>\\</c>…) and everything outside strings is kept as it is.</param>
    internal static string Relax(string json)
    {
        if (!json.Contains("\\u", StringComparison.Ordinal))
        {
            return json;
        }

        var text = new StringBuilder(json.Length);
        var i = 0;
        while (i < json.Length)
        {
            if (json[i] != '\\' || i + 1 >= json.Length)
            {
                text.Append(json[i]);
                i++;
                continue;
            }

            if (json[i + 1] != 'u' || !TryReadUnit(json, i, out var unit))
            {
                // Another escape (\\, \", \n…): its two characters go through together, so an escaped backslash
                // followed by a literal "u0041" is never mistaken for an escape.
                text.Append(json, i, 2);
                i += 2;
                continue;
            }

            if (char.IsHighSurrogate(unit) && TryReadUnit(json, i + 6, out var low) && char.IsLowSurrogate(low))
            {
                // A character beyond the BMP (emoji, CJK extensions) shows as itself, unless it is one that hides text
                // (the tag characters U+E0000–U+E007F are format characters).
                if (UntrustedText.HidesOrControls(new Rune(unit, low)))
                {
                    text.Append(json, i, 12);
                }
                else
                {
                    text.Append(unit).Append(low);
                }

                i += 12;
                continue;
            }

            if (unit == '"')
            {
                text.Append("\\\"");
            }
            else if (MustStayEscaped(unit))
            {
                text.Append(json, i, 6);
            }
            else
            {
                text.Append(unit);
            }

            i += 6;
        }

        return text.ToString();
    }

    /// <summary>True for what JSON requires escaped, and for control, bidi and invisible formatting characters.</summary>
    internal static bool MustStayEscaped(char c) =>
        c is '"' or '\\' || char.IsSurrogate(c) || UntrustedText.HidesOrControls(new Rune(c));

    private static bool TryReadUnit(string json, int escape, out char unit)
    {
        unit = '\0';
        if (escape + 6 > json.Length || json[escape] != '\\' || json[escape + 1] != 'u'
            || !ushort.TryParse(json.AsSpan(escape + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        unit = (char)value;
        return true;
    }
}
