using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentExec.Core.Commands;

/// <summary>
/// Splits shell text into words, operators, redirections and newlines, one token of lookahead at a time.
/// It also reads here-document bodies when it passes the newline that ends their line.
/// </summary>
internal sealed partial class ShellLexer
{
    // Longest first, so that "&&" wins over "&" and "<<<" over "<<".
    private static readonly string[] ControlOperators = ["&&", "||", "|&", ";;&", ";;", ";&", "|", ";", "&", "(", ")"];
    private static readonly string[] RedirectionOperators = ["&>>", "&>", "<<<", "<<-", "<<", "<&", "<>", ">>", ">&", ">|", "<", ">"];

    private readonly ShellSource source;
    private readonly ParseState state;
    private readonly WordScanner words;
    private ShellToken? peeked;
    private ShellToken? peekedSecond;

    /// <summary>Creates a lexer reading <paramref name="source"/> from its current position.</summary>
    public ShellLexer(ShellSource source, ParseState state)
    {
        this.source = source;
        this.state = state;
        words = new WordScanner(source, state);
    }

    /// <summary>The next token, without consuming it.</summary>
    public ShellToken Peek() => peeked ??= ReadToken();

    /// <summary>The token after the next one, without consuming either (for <c>coproc NAME {</c> and <c>time -p {</c>).</summary>
    public ShellToken PeekSecond()
    {
        _ = Peek();
        return peekedSecond ??= ReadToken();
    }

    /// <summary>Consumes and returns the next token.</summary>
    public ShellToken Next()
    {
        var token = Peek();
        peeked = peekedSecond;
        peekedSecond = null;
        return token;
    }

    private ShellToken ReadToken()
    {
        while (true)
        {
            if (state.GaveUp)
            {
                return new ShellToken(ShellTokenKind.End, string.Empty, source.Text.Length, source.Text.Length);
            }

            SkipBlanks();
            var start = source.Position;
            if (source.AtEnd)
            {
                AbandonPendingHeredocs();
                return new ShellToken(ShellTokenKind.End, string.Empty, start, start);
            }

            var c = source.Peek();
            if (c == '#')
            {
                while (!source.AtEnd && source.Peek() != '\n')
                {
                    source.Advance();
                }

                continue;
            }

            if (c == '\n')
            {
                source.Advance();
                ReadPendingHeredocs();
                return new ShellToken(ShellTokenKind.Newline, "\n", start, start + 1);
            }

            if (c is '<' or '>' && source.Peek(1) == '(' && source.Dialect == ShellDialect.Bash)
            {
                return ReadWordToken(start);
            }

            if (TryReadDescriptor(out var descriptor))
            {
                return ReadRedirection(start, descriptor);
            }

            if (source.Dialect == ShellDialect.Dash && source.LooksAt("<<<"))
            {
                state.MarkUnknown("dash has no here-strings: it reads <<< differently from bash");
            }

            foreach (var op in RedirectionOperators)
            {
                if (source.LooksAt(op) && KnownTo(source.Dialect, op))
                {
                    return ReadRedirection(start, fileDescriptor: null);
                }
            }

            foreach (var op in ControlOperators)
            {
                if (source.LooksAt(op) && KnownTo(source.Dialect, op))
                {
                    source.Advance(op.Length);
                    return new ShellToken(ShellTokenKind.Operator, op, start, source.Position);
                }
            }

            return ReadWordToken(start);
        }
    }

    // Dash reads "&>" as "&" then ">" (the command goes to the background) and "|&" as "|" then "&".
    private static bool KnownTo(ShellDialect dialect, string op) =>
        dialect == ShellDialect.Bash || op is not ("&>>" or "&>" or "|&");

    private ShellToken ReadWordToken(int start)
    {
        var word = words.ReadWord();
        if (source.Position == start)
        {
            // Cannot happen for a character that does not end a word; guards against looping forever.
            state.MarkUnknown($"unexpected character '{source.Peek()}'");
            source.Advance();
        }

        return new ShellToken(ShellTokenKind.Word, word.Source, start, source.Position) { Word = word };
    }

    private void SkipBlanks()
    {
        while (source.Peek() is ' ' or '\t' || source.LooksAt("\\\n"))
        {
            source.Advance(source.Peek() == '\\' ? 2 : 1);
        }
    }

    // "2>", "10<&", "{fd}>": a number or {name} right before a redirection operator.
    private bool TryReadDescriptor(out int? descriptor)
    {
        descriptor = null;
        var match = DescriptorPrefix().Match(source.Text, source.Position);
        if (!match.Success)
        {
            return false;
        }

        var text = match.Groups["fd"].Value;
        if (text[0] == '{')
        {
            state.MarkUnknown($"the named file descriptor {text} assigns a variable");
            state.SawAssignedName(text[1..^1]);
        }
        else if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            descriptor = number;
        }
        else
        {
            state.MarkUnknown($"the file descriptor {text} is out of range");
        }

        source.Advance(text.Length);
        return true;
    }

    private ShellToken ReadRedirection(int start, int? fileDescriptor)
    {
        var op = RedirectionOperators.First(op => source.LooksAt(op) && KnownTo(source.Dialect, op));
        source.Advance(op.Length);
        SkipBlanks();

        ShellWord target;
        if (source.AtEnd || (WordScanner.EndsWord(source.Peek()) && !(source.Peek() is '<' or '>' && source.Peek(1) == '(')))
        {
            state.MarkUnknown($"the redirection '{op}' has no target");
            target = ShellWord.Literal(string.Empty);
        }
        else
        {
            target = words.ReadWord();
        }

        HeredocBody? heredoc = null;
        if (op is "<<" or "<<-")
        {
            heredoc = StartHeredoc(target, stripsTabs: op == "<<-");
        }
        else
        {
            state.Saw(op == "<<<" ? "here-string" : "redirection");
        }

        var redirection = new Redirection(fileDescriptor, op, target, heredoc);
        return new ShellToken(ShellTokenKind.Redirection, source.Text[start..source.Position], start, source.Position)
        {
            Redirection = redirection,
        };
    }

    private HeredocBody StartHeredoc(ShellWord marker, bool stripsTabs)
    {
        state.Saw("heredoc");

        // The end marker undergoes quote removal only; any quoting makes the body literal.
        var delimiter = new StringBuilder();
        var quoted = false;
        var text = marker.Source;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\'' when text.IndexOf('\'', i + 1) is var close and > 0:
                    // Everything up to the next quote is literal, a " or \ included ('tr"ue' ends at tr"ue).
                    quoted = true;
                    delimiter.Append(text, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    quoted = true;
                    i = RemoveDoubleQuotes(text, i + 1, delimiter);
                    break;
                case '\\' when i + 1 < text.Length:
                    quoted = true;
                    delimiter.Append(text[++i]);
                    break;
                default:
                    delimiter.Append(c);
                    break;
            }
        }

        if (text.Contains('\n', StringComparison.Ordinal))
        {
            // A line continuation or a quoted newline in the marker: bash's handling of either is not modelled.
            state.MarkUnknown("a here-document end marker spans lines");
        }

        if (marker.Substitutions.Count > 0 || text.Contains('$', StringComparison.Ordinal))
        {
            state.MarkUnknown("a here-document end marker contains an expansion");
        }

        var body = new HeredocBody(delimiter.ToString(), quoted, stripsTabs);
        source.PendingHeredocs.Add(body);
        return body;
    }

    // Inside "…" of an end marker a backslash is removed only before $, `, " and \ (bash's quote removal); returns the
    // index of the closing quote. The marker is a word the lexer closed already, so the quote is there.
    private static int RemoveDoubleQuotes(string text, int from, StringBuilder delimiter)
    {
        var i = from;
        for (; i < text.Length && text[i] != '"'; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '$' or '`' or '"' or '\\')
            {
                i++;
            }

            delimiter.Append(text[i]);
        }

        return i;
    }

    private void ReadPendingHeredocs()
    {
        foreach (var body in source.PendingHeredocs)
        {
            var text = new StringBuilder();
            var terminated = false;
            while (!source.AtEnd)
            {
                var lineEnd = source.Text.IndexOf('\n', source.Position);
                var line = lineEnd < 0 ? source.Text[source.Position..] : source.Text[source.Position..lineEnd];
                source.Position = lineEnd < 0 ? source.Text.Length : lineEnd + 1;
                if (body.StripsTabs)
                {
                    line = line.TrimStart('\t');
                }

                if (line == body.Delimiter)
                {
                    terminated = true;
                    break;
                }

                if (!body.IsQuoted && line.EndsWith('\\'))
                {
                    // bash joins "\" + newline before it compares a line of an unquoted here-document with the end
                    // marker, so the body may end on a line this reading does not see as the marker.
                    state.MarkUnknown("a line of an unquoted here-document ends with a backslash");
                }

                text.Append(line).Append('\n');
            }

            if (!terminated)
            {
                state.MarkUnknown($"the here-document has no end marker '{body.Delimiter}'");
            }

            Fill(body, text.ToString());
        }

        source.PendingHeredocs.Clear();
    }

    private void AbandonPendingHeredocs()
    {
        foreach (var body in source.PendingHeredocs)
        {
            state.MarkUnknown($"the here-document has no end marker '{body.Delimiter}'");
            Fill(body, string.Empty);
        }

        source.PendingHeredocs.Clear();
    }

    private void Fill(HeredocBody body, string text)
    {
        body.Text = text;
        if (!body.IsQuoted)
        {
            body.Expanded = WordScanner.ScanHeredocBody(text, state, source.Dialect);
        }
    }

    // bash also takes {name[subscript]} (which assigns an array element, evaluating the subscript), so any
    // brace word right before a redirection is read as a named descriptor, which marks the line unknown.
    [GeneratedRegex(@"\G(?<fd>[0-9]+|\{[^}\s]*\})(?=[<>])")]
    private static partial Regex DescriptorPrefix();
}
