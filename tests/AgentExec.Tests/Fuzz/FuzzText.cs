using System.Globalization;
using System.Text;

namespace AgentExec.Tests.Fuzz;

/// <summary>Shows fuzz inputs in failure reports: every character outside printable ASCII as an escape, long text cut.</summary>
internal static class FuzzText
{
    /// <summary>The most characters of one input a report shows.</summary>
    public const int ShownLength = 2000;

    /// <summary><paramref name="text"/> with every character outside printable ASCII as <c>\uXXXX</c> (so a raw U+D800 and the escape <c>\uD800</c> look alike: the fuzzers' JSON text never holds the raw one), cut to <see cref="ShownLength"/>.</summary>
    public static string Visible(string text)
    {
        var shown = new StringBuilder();
        foreach (var c in text.Length > ShownLength ? text[..ShownLength] : text)
        {
            shown.Append(c is >= ' ' and <= '~' ? c.ToString() : "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }

        return text.Length > ShownLength ? shown + $"…({text.Length} chars)" : shown.ToString();
    }

    /// <summary>Raw bytes as text with every byte outside printable ASCII as <c>\xHH</c>, cut to <see cref="ShownLength"/>.</summary>
    public static string Visible(byte[] bytes)
    {
        var shown = new StringBuilder();
        foreach (var b in bytes.Take(ShownLength))
        {
            shown.Append(b is >= 0x20 and <= 0x7e ? ((char)b).ToString() : "\\x" + b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return bytes.Length > ShownLength ? shown + $"…({bytes.Length} bytes)" : shown.ToString();
    }
}
