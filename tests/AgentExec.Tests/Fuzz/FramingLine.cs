using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// One line (or a few bytes that may hold several) sent to the server, with what JSON-RPC obliges the server to do
/// about it, worked out from the bytes alone.
/// </summary>
/// <param name="Bytes">Exactly what is written, without the final LF.</param>
/// <param name="MustAnswer">The ids of requests that must each get exactly one response.</param>
/// <param name="Mentioned">Every id that appears anywhere in the bytes, in any shape: the only ids a response may carry.</param>
internal sealed partial record FramingLine(byte[] Bytes, IReadOnlyList<string> MustAnswer, IReadOnlyList<string> Mentioned)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Judges <paramref name="bytes"/> as the server's reader will split them: at CR, LF and CRLF.</summary>
    /// <remarks>
    /// A request must be answered when it is what JSON-RPC 2.0 calls a Request and MCP allows: a line that is valid
    /// UTF-8 and exactly one JSON object, with no member twice, whose members are <c>jsonrpc</c> ("2.0"),
    /// <c>method</c> (a string), <c>id</c> (a string or an integer that fits 64 bits: MCP's ids) and optionally
    /// <c>params</c> (of any type: a Request with bad params is still owed an error response). Nesting past
    /// <see cref="JsonTreeText.MaxParseDepth"/> is not judged. Everything else (notifications, responses, batches,
    /// other ids, broken JSON, a BOM, invalid UTF-8) may go unanswered; the SDK answers some of it, never twice.
    /// </remarks>
    public static FramingLine Judge(byte[] bytes)
    {
        var mustAnswer = new List<string>();
        var mentioned = new List<string>();
        foreach (var line in SplitLines(bytes))
        {
            string text;
            try
            {
                text = StrictUtf8.GetString(line);
            }
            catch (DecoderFallbackException)
            {
                mentioned.AddRange(MentionedIds(Encoding.UTF8.GetString(line)));
                continue;
            }

            mentioned.AddRange(MentionedIds(text));
            if (RequestId(text) is { } id)
            {
                mustAnswer.Add(id);
            }
        }

        return new FramingLine(bytes, mustAnswer, mentioned);
    }

    /// <summary>The canonical form of a JSON-RPC id as responses carry it: <c>s:</c> and the string, or <c>n:</c> and the integer.</summary>
    public static string? IdKey(JsonTree id) => id switch
    {
        JsonTree.StringValue text when JsonTree.IsWellFormed(text.Value) => "s:" + text.Value,
        JsonTree.NumberValue number when long.TryParse(number.Spelling, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) => "n:" + value.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>The bytes for a report.</summary>
    public override string ToString() => FuzzText.Visible(Bytes);

    private static string? RequestId(string line)
    {
        if (!JsonTreeText.TryParse(line, out var value) || value is not JsonTree.ObjectValue request)
        {
            return null;
        }

        var keys = request.Members.Select(member => member.Key).ToList();
        if (keys.Distinct(StringComparer.Ordinal).Count() != keys.Count
            || keys.Any(key => key is not ("jsonrpc" or "method" or "id" or "params"))
            || Member(request, "jsonrpc") is not JsonTree.StringValue { Value: "2.0" }
            || Member(request, "method") is not JsonTree.StringValue method
            || !JsonTree.IsWellFormed(method.Value)
            || Member(request, "id") is not { } id)
        {
            return null;
        }

        return IdKey(id);
    }

    private static JsonTree? Member(JsonTree.ObjectValue obj, string key) =>
        obj.Members.Where(member => member.Key == key).Select(member => member.Value).FirstOrDefault();

    // Over-approximates on purpose: any "id" followed by a string or an integer, parsed or not, and any id member of
    // a line that parses (whatever escapes spell its key).
    private static IEnumerable<string> MentionedIds(string line)
    {
        if (JsonTreeText.TryParse(line, out var value) && value is JsonTree.ObjectValue obj)
        {
            foreach (var member in obj.Members.Where(member => member.Key == "id"))
            {
                if (IdKey(member.Value) is { } parsed)
                {
                    yield return parsed;
                }
            }
        }

        foreach (Match match in IdPattern().Matches(line))
        {
            if (JsonTreeText.TryParse(match.Groups["id"].Value, out var id) && IdKey(id) is { } key)
            {
                yield return key;
            }
        }
    }

    private static IEnumerable<byte[]> SplitLines(byte[] bytes)
    {
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] is (byte)'\r' or (byte)'\n')
            {
                yield return bytes[start..i];
                if (bytes[i] == '\r' && i + 1 < bytes.Length && bytes[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        yield return bytes[start..];
    }

    // "id", also with either letter escaped, then a string or an integer.
    [GeneratedRegex("""
        "(?:i|\\u0069)(?:d|\\u0064)"\s*:\s*(?<id>"(?:[^"\\]|\\.)*"|-?[0-9]+)
        """, RegexOptions.IgnoreCase)]
    private static partial Regex IdPattern();
}
