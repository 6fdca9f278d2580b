using System.Globalization;
using System.Text.RegularExpressions;

namespace AgentExec.Tests.Oracle;

/// <summary>Reads an <c>strace -f -qq -y</c> log into completed calls, joining the <c>&lt;unfinished …&gt;</c> halves.</summary>
internal static partial class TraceParser
{
    private const string Unfinished = " <unfinished ...>";

    /// <summary>The calls in <paramref name="trace"/>, in the order they completed; lines it cannot read are kept as calls named <c>?</c>.</summary>
    public static IReadOnlyList<TraceEvent> Parse(string trace)
    {
        var events = new List<TraceEvent>();
        var pending = new Dictionary<int, string>();
        foreach (var rawLine in trace.Split('\n'))
        {
            var match = PidPrefix().Match(rawLine);
            if (!match.Success)
            {
                continue;
            }

            var pid = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var text = match.Groups[2].Value;
            if (text.StartsWith("+++", StringComparison.Ordinal) || text.StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            if (text.EndsWith(Unfinished, StringComparison.Ordinal))
            {
                pending[pid] = text[..^Unfinished.Length];
                continue;
            }

            var resumed = Resumed().Match(text);
            if (resumed.Success)
            {
                // A call whose first half was lost (strace attached mid-call) is still reported, unread.
                text = pending.Remove(pid, out var first) ? first + resumed.Groups[2].Value : $"{resumed.Groups[1].Value}(?{resumed.Groups[2].Value}";
            }

            events.Add(ParseCall(pid, text));
        }

        // Calls still unfinished when the run was killed: what they started is what counts.
        events.AddRange(pending.Select(entry => ParseCall(entry.Key, entry.Value + ") = ?")));
        return events;
    }

    private static TraceEvent ParseCall(int pid, string text)
    {
        var open = text.IndexOf('(', StringComparison.Ordinal);
        if (open <= 0)
        {
            return new TraceEvent(pid, "?", [], null, null, null, text);
        }

        var call = text[..open];
        var (arguments, close) = SplitArguments(text, open + 1);
        long? result = null;
        string? resultPath = null;
        string? error = null;
        var tail = Result().Match(text, Math.Min(close + 1, text.Length));
        if (tail.Success)
        {
            if (long.TryParse(tail.Groups[1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                result = value;
            }
            else if (tail.Groups[1].Value.StartsWith("0x", StringComparison.Ordinal))
            {
                result = 0;
            }

            resultPath = tail.Groups[2].Success ? tail.Groups[2].Value : null;
            error = tail.Groups[3].Success ? tail.Groups[3].Value : null;
        }

        return new TraceEvent(pid, call, arguments, result, resultPath, error, text);
    }

    // Splits at top-level commas; strings, (), [], {} and -y's <…> decorations nest.
    private static (List<string> Arguments, int Close) SplitArguments(string text, int start)
    {
        var arguments = new List<string>();
        var depth = 0;
        var inString = false;
        var begin = start;
        var i = start;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (c is '(' or '[' or '{' or '<')
            {
                depth++;
            }
            else if (c is ']' or '}' or '>' && depth > 0)
            {
                depth--;
            }
            else if (c == ')')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                arguments.Add(text[begin..i].Trim());
                begin = i + 1;
            }
        }

        var last = text[begin..Math.Min(i, text.Length)].Trim();
        if (last.Length > 0)
        {
            arguments.Add(last);
        }

        return (arguments, i);
    }

    [GeneratedRegex(@"^(\d+)\s+(.*)$")]
    private static partial Regex PidPrefix();

    [GeneratedRegex(@"^<\.\.\. ([a-z0-9_]+) resumed>(.*)$")]
    private static partial Regex Resumed();

    [GeneratedRegex(@"\G\s*=\s*(-?\d+|0x[0-9a-f]+|\?)(?:<(.*?)>)?(?:\s+(E[A-Z0-9]+)\b.*)?\s*$")]
    private static partial Regex Result();
}
