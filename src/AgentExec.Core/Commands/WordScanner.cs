using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentExec.Core.Commands;

/// <summary>
/// Reads one shell word character by character: quotes, escapes, expansions, globs. Command and process
/// substitutions are handed to a <see cref="ShellParser"/> on the same source, so their commands are
/// parsed exactly as bash would parse them, however they nest.
/// </summary>
internal sealed partial class WordScanner(ShellSource source, ParseState state)
{
    // bash treats these as history designators in an interactive shell; after '!' nothing else is literal there.
    private const string HistorySafeFollowers = " \t\n=(";

    /// <summary>Reads the body of an unquoted here-document as one word, so that its expansions are known.</summary>
    public static ShellWord ScanHeredocBody(string body, ParseState state, ShellDialect dialect)
    {
        var scanner = new WordScanner(new ShellSource(body, dialect), state);
        return scanner.ReadHeredocText();
    }

    /// <summary>True for the characters that end an unquoted word.</summary>
    public static bool EndsWord(char c) => c is ' ' or '\t' or '\n' or '|' or '&' or ';' or '(' or ')' or '<' or '>' or '\0';

    /// <summary>Reads one unquoted word at the position; it stops at a blank or a metacharacter.</summary>
    public ShellWord ReadWord()
    {
        var start = source.Position;
        var word = new WordBuilder();
        while (!source.AtEnd && !state.GaveUp)
        {
            var c = source.Peek();
            if (c is '<' or '>' && source.Peek(1) == '(' && source.Dialect == ShellDialect.Bash)
            {
                ReadProcessSubstitution(word);
                continue;
            }

            if (EndsWord(c))
            {
                if (c == '(' && ArrayAssignmentStart().IsMatch(source.Text.AsSpan(start, source.Position - start)))
                {
                    Nested(() => ReadCompoundArray(word));
                    continue;
                }

                break;
            }

            switch (c)
            {
                case '\\':
                    ReadUnquotedEscape(word);
                    break;
                case '\'':
                    ReadSingleQuoted(word);
                    break;
                case '"':
                    source.Advance();
                    ReadDoubleQuoted(word);
                    break;
                case '$':
                    ReadDollar(word, inDoubleQuotes: false);
                    break;
                case '`':
                    ReadBackticks(word, inDoubleQuotes: false);
                    break;
                case '*' or '?':
                    source.Advance();
                    word.Glob(c);
                    break;
                case '[':
                    source.Advance();
                    word.OpenBracket();
                    break;
                case ']':
                    source.Advance();
                    word.CloseBracket();
                    break;
                case '~' when word.IsEmpty || word.LastUnquoted is '=' or ':':
                    // bash expands it at the start of a word, and after "=" or ":" in a word shaped like an
                    // assignment (even an argument's); counting every "=" and ":" is merely strict.
                    source.Advance();
                    word.Tilde();
                    break;
                case '!':
                    CheckHistoryExpansion(inDoubleQuotes: false);
                    source.Advance();
                    word.Literal(c);
                    break;
                default:
                    source.Advance();
                    word.Literal(c);
                    break;
            }
        }

        return word.Build(source.Text[start..source.Position]);
    }

    private ShellWord ReadHeredocText()
    {
        var word = new WordBuilder();
        while (!source.AtEnd && !state.GaveUp)
        {
            var c = source.Peek();
            switch (c)
            {
                case '\\':
                    var next = source.Peek(1);
                    if (next == '\n')
                    {
                        source.Advance(2);
                    }
                    else if (next is '$' or '`' or '\\')
                    {
                        source.Advance(2);
                        word.Quoted(next);
                    }
                    else
                    {
                        source.Advance();
                        word.Literal(c);
                    }

                    break;
                case '$':
                    // $'…' and $"…" are not special in a here-document, as in double quotes.
                    ReadDollar(word, inDoubleQuotes: true);
                    break;
                case '`':
                    ReadBackticks(word, inDoubleQuotes: false);
                    break;
                default:
                    source.Advance();
                    word.Literal(c);
                    break;
            }
        }

        return word.Build(source.Text);
    }

    private void ReadUnquotedEscape(WordBuilder word)
    {
        var next = source.Peek(1);
        if (next == '\n')
        {
            source.Advance(2);
        }
        else if (source.Position + 1 >= source.Text.Length)
        {
            source.Advance();
            word.Literal('\\');
        }
        else
        {
            source.Advance(2);
            word.Quoted(next);
        }
    }

    private void ReadSingleQuoted(WordBuilder word)
    {
        source.Advance();
        word.MarkQuoted();
        while (!source.AtEnd)
        {
            var c = source.Peek();
            source.Advance();
            if (c == '\'')
            {
                return;
            }

            word.Quoted(c);
        }

        state.MarkUnknown("a single quote is not closed");
    }

    // Called after the opening quote; also reads $"…" (a translatable string, otherwise the same).
    private void ReadDoubleQuoted(WordBuilder word)
    {
        word.MarkQuoted();
        while (!source.AtEnd && !state.GaveUp)
        {
            var c = source.Peek();
            switch (c)
            {
                case '"':
                    source.Advance();
                    return;
                case '\\':
                    var next = source.Peek(1);
                    if (next == '\n')
                    {
                        source.Advance(2);
                    }
                    else if (next is '$' or '`' or '"' or '\\')
                    {
                        source.Advance(2);
                        word.Quoted(next);
                    }
                    else
                    {
                        source.Advance();
                        word.Quoted(c);
                    }

                    break;
                case '$':
                    ReadDollar(word, inDoubleQuotes: true);
                    break;
                case '`':
                    ReadBackticks(word, inDoubleQuotes: true);
                    break;
                case '!':
                    CheckHistoryExpansion(inDoubleQuotes: true);
                    source.Advance();
                    word.Quoted(c);
                    break;
                default:
                    source.Advance();
                    word.Quoted(c);
                    break;
            }
        }

        if (!state.GaveUp)
        {
            state.MarkUnknown("a double quote is not closed");
        }
    }

    private void ReadDollar(WordBuilder word, bool inDoubleQuotes)
    {
        var next = source.Peek(1);
        if (next is '\'' or '"' && !inDoubleQuotes && source.Dialect == ShellDialect.Dash)
        {
            // Dash has neither $'…' nor $"…": the dollar is literal and the quote starts an ordinary quoted string.
            source.Advance();
            word.Literal('$');
        }
        else if (next == '\'' && !inDoubleQuotes)
        {
            source.Advance(2);
            ReadAnsiCQuoted(word);
        }
        else if (next == '"' && !inDoubleQuotes)
        {
            source.Advance(2);
            Nested(() => ReadDoubleQuoted(word));
        }
        else if (next == '(' && source.Peek(2) == '(' && ArithmeticCloses(source.Position + 3))
        {
            source.Advance(3);
            state.Saw("$((…))");
            Nested(() => ReadArithmetic(word, closing: "))"));
        }
        else if (next == '(')
        {
            source.Advance(2);
            state.Saw("$(…)");
            word.Dynamic(WordTraits.CommandSubstitution);
            word.Substitution(ShellParser.ParseSubstitution(source, state));
        }
        else if (next == '[')
        {
            source.Advance(2);
            state.Saw("$((…))");
            Nested(() => ReadArithmetic(word, closing: "]"));
        }
        else if (next == '{')
        {
            source.Advance(2);
            Nested(() => ReadBraceParameter(word, inDoubleQuotes));
        }
        else if (char.IsAsciiLetter(next) || next == '_')
        {
            source.Advance();
            while (char.IsAsciiLetterOrDigit(source.Peek()) || source.Peek() == '_')
            {
                source.Advance();
            }

            word.Dynamic(WordTraits.ParameterExpansion);
        }
        else if (char.IsAsciiDigit(next) || next is '@' or '*' or '#' or '?' or '-' or '$' or '!')
        {
            source.Advance(2);
            word.Dynamic(WordTraits.ParameterExpansion);
        }
        else
        {
            source.Advance();
            if (inDoubleQuotes)
            {
                word.Quoted('$');
            }
            else
            {
                word.Literal('$');
            }
        }
    }

    // bash reads "$((" as arithmetic only when its parentheses close with "))"; "$( (a) )" is a subshell.
    private bool ArithmeticCloses(int from)
    {
        var text = source.Text;
        var depth = 0;
        for (var i = from; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '\'':
                    i = text.IndexOf('\'', i + 1);
                    if (i < 0)
                    {
                        return false;
                    }

                    break;
                case '(':
                    depth++;
                    break;
                case ')' when depth == 0:
                    return i + 1 < text.Length && text[i + 1] == ')';
                case ')':
                    depth--;
                    break;
            }
        }

        return false;
    }

    // Reads up to "))" (for $((…))) or "]" (for the obsolete $[…]); the opening was consumed.
    private void ReadArithmetic(WordBuilder word, string closing)
    {
        word.Dynamic(WordTraits.Arithmetic);
        var open = closing[0] == ')' ? '(' : '[';
        var depth = 0;
        var literalOnly = true;
        while (!state.GaveUp)
        {
            if (source.AtEnd)
            {
                state.MarkUnknown("an arithmetic expansion is not closed");
                break;
            }

            var c = source.Peek();
            if (c == open)
            {
                depth++;
                source.Advance();
            }
            else if (c == closing[0] && depth == 0)
            {
                if (!source.LooksAt(closing))
                {
                    state.MarkUnknown("an arithmetic expansion is not closed");
                }

                source.Advance(closing.Length);
                break;
            }
            else if (c == closing[0])
            {
                depth--;
                source.Advance();
            }
            else if (c == '\\' && source.Peek(1) == '\n')
            {
                source.Advance(2);
            }
            else if (c == '$')
            {
                literalOnly = false;
                ReadDollar(word, inDoubleQuotes: true);
            }
            else if (c == '`')
            {
                literalOnly = false;
                ReadBackticks(word, inDoubleQuotes: false);
            }
            else
            {
                // A name (or a subscript) is evaluated as arithmetic, recursively: a value such as
                // "a[$(cmd)]" runs cmd. Only literal numbers and operators are inert. Hex digits count as
                // letters here, which is merely strict.
                literalOnly &= !(char.IsAsciiLetter(c) || c is '_' or '[' or '"' or '\'');
                source.Advance();
            }
        }

        if (!literalOnly)
        {
            word.AddTraits(WordTraits.EvaluatingExpansion);
        }
    }

    // Reads up to the closing brace; "${" was consumed.
    private void ReadBraceParameter(WordBuilder word, bool inDoubleQuotes)
    {
        word.Dynamic(WordTraits.ParameterExpansion);
        var body = new StringBuilder();
        var evaluates = false;
        while (!state.GaveUp)
        {
            if (source.AtEnd)
            {
                state.MarkUnknown("a ${ is not closed");
                return;
            }

            var c = source.Peek();
            switch (c)
            {
                case '}':
                    source.Advance();
                    if (evaluates || ParameterForms.Evaluates(body.ToString()))
                    {
                        word.AddTraits(WordTraits.EvaluatingExpansion);
                    }

                    return;
                case '\\':
                    if (source.Peek(1) != '\n')
                    {
                        body.Append(c).Append(source.Peek(1));
                    }

                    source.Advance(2);
                    break;
                case '\'' when inDoubleQuotes:
                    // Inside double quotes bash keeps these quotes literal and still expands what they
                    // enclose; rare enough to simply refuse to call the expansion harmless.
                    evaluates = true;
                    body.Append(c);
                    source.Advance();
                    break;
                case '\'':
                    source.Advance();
                    body.Append(c);
                    var close = source.Text.IndexOf('\'', source.Position);
                    if (close < 0)
                    {
                        state.MarkUnknown("a single quote is not closed");
                        source.SkipToEnd();
                        return;
                    }

                    body.Append(source.Text, source.Position, close - source.Position + 1);
                    source.Position = close + 1;
                    break;
                case '"':
                    source.Advance();
                    body.Append(c);
                    Nested(() => ReadDoubleQuoted(word));
                    break;
                case '$':
                    body.Append(c);
                    ReadDollar(word, inDoubleQuotes);
                    break;
                case '`':
                    body.Append(c);
                    ReadBackticks(word, inDoubleQuotes);
                    break;
                default:
                    body.Append(c);
                    source.Advance();
                    break;
            }
        }
    }

    private void ReadBackticks(WordBuilder word, bool inDoubleQuotes)
    {
        source.Advance();
        state.Saw("`…`");
        word.Dynamic(WordTraits.CommandSubstitution);

        // Inside backticks a backslash quotes only $, ` and \ (and " within double quotes); the text is
        // unescaped first and then parsed as a script of its own, which is how nested backticks work.
        var script = new StringBuilder();
        var closed = false;
        while (!source.AtEnd)
        {
            var c = source.Peek();
            if (c == '`')
            {
                source.Advance();
                closed = true;
                break;
            }

            if (c == '\\')
            {
                var next = source.Peek(1);
                if (next == '\n')
                {
                    source.Advance(2);
                    continue;
                }

                if (next is '$' or '`' or '\\' || (inDoubleQuotes && next == '"'))
                {
                    script.Append(next);
                    source.Advance(2);
                    continue;
                }
            }

            script.Append(c);
            source.Advance();
        }

        if (!closed)
        {
            state.MarkUnknown("a backtick is not closed");
        }

        word.Substitution(ShellParser.ParseScript(script.ToString(), state, source.Dialect));
    }

    private void ReadProcessSubstitution(WordBuilder word)
    {
        var writes = source.Peek() == '>';
        source.Advance(2);
        state.Saw(writes ? ">(…)" : "<(…)");
        word.Dynamic(writes ? WordTraits.OutputProcessSubstitution : WordTraits.InputProcessSubstitution);
        word.Substitution(ShellParser.ParseSubstitution(source, state));
    }

    // NAME=( elements ): each element is a word of its own, whose substitutions run.
    private void ReadCompoundArray(WordBuilder word)
    {
        state.Saw("array assignment");
        source.Advance();
        while (!state.GaveUp)
        {
            while (source.Peek() is ' ' or '\t' or '\n' || source.LooksAt("\\\n"))
            {
                source.Advance(source.Peek() == '\\' ? 2 : 1);
            }

            if (source.AtEnd)
            {
                state.MarkUnknown("an array assignment is not closed");
                return;
            }

            var c = source.Peek();
            if (c == ')')
            {
                source.Advance();
                return;
            }

            if (c == '#')
            {
                while (!source.AtEnd && source.Peek() != '\n')
                {
                    source.Advance();
                }

                continue;
            }

            var before = source.Position;
            word.Absorb(ReadWord());
            if (source.Position == before)
            {
                state.MarkUnknown($"unexpected '{c}' in an array assignment");
                source.Advance();
            }
        }
    }

    private void ReadAnsiCQuoted(WordBuilder word)
    {
        word.MarkQuoted();
        while (!source.AtEnd)
        {
            var c = source.Peek();
            source.Advance();
            if (c == '\'')
            {
                return;
            }

            if (c != '\\')
            {
                word.Quoted(c);
                continue;
            }

            if (source.AtEnd)
            {
                break;
            }

            var decoded = DecodeAnsiCEscape();
            if (decoded.Contains('\0', StringComparison.Ordinal))
            {
                // bash cuts the word at a NUL; the program would see less than we do.
                state.MarkUnknown("a $'…' string contains a NUL character");
            }

            if (!Ascii.IsValid(decoded))
            {
                // bash writes \xff and \377 as the one byte 0xFF, and \u as the locale encodes it (raw bytes for a
                // surrogate or a value past U+10FFFF); a string here holds characters, which are UTF-8 on disk: a
                // different name (an attack read a link named by the byte 0xFF with cat $'\xff').
                state.MarkUnknown("a $'…' escape stands for a byte or character outside ASCII, which bash writes as raw bytes");
            }

            word.Quoted(decoded);
        }

        state.MarkUnknown("a $' quote is not closed");
    }

    // The backslash was consumed; reads the rest of one escape of $'…' and returns what it stands for.
    private string DecodeAnsiCEscape()
    {
        var c = source.Peek();
        source.Advance();
        switch (c)
        {
            case 'a': return "\a";
            case 'b': return "\b";
            case 'e' or 'E': return "\u001b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'v': return "\v";
            case '\\' or '\'' or '"' or '?': return c.ToString();
            case 'c':
                // bash's lexer pairs every backslash with the character after it before anything is decoded, so "\c"
                // never takes the closing quote ($'\c' is closed and the rest of the line runs). The control-character
                // escape is not modelled further: the next character is read on its own, which keeps the string's end
                // where bash puts it, and the line is unknown.
                state.MarkUnknown("a $'…' string holds \\c, whose meaning is not modelled");
                return "\\c";
            case >= '0' and <= '7':
                var octal = c - '0';
                for (var i = 0; i < 2 && source.Peek() is >= '0' and <= '7'; i++)
                {
                    octal = (octal * 8) + (source.Peek() - '0');
                    source.Advance();
                }

                return ((char)(octal & 0xff)).ToString();
            case 'x' when source.Peek() == '{':
                // bash 5.2 reads \x{HH…} as one byte (\x{2d} is "-"); not modelled, so the line is unknown. The
                // characters after it are read on their own, which keeps the string's end where bash puts it.
                state.MarkUnknown("a $'…' string holds \\x{…}, whose meaning is not modelled");
                return "\\x";
            case 'x':
                return ReadHexEscape(2) ?? "\\x";
            case 'u':
                return ReadHexEscape(4) ?? "\\u";
            case 'U':
                return ReadHexEscape(8) ?? "\\U";
            default:
                return string.Concat("\\", c.ToString());
        }
    }

    private string? ReadHexEscape(int maxDigits)
    {
        var digits = 0;
        while (digits < maxDigits && char.IsAsciiHexDigit(source.Peek(digits)))
        {
            digits++;
        }

        if (digits == 0)
        {
            return null;
        }

        var code = int.Parse(source.Text.AsSpan(source.Position, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        source.Advance(digits);
        return code <= 0x10FFFF && code is < 0xD800 or > 0xDFFF ? char.ConvertFromUtf32(code) : "\uFFFD";
    }

    // bash -c never expands history, but a '!' that an interactive shell would expand means the author
    // expected something else to run than what will; refuse to call such a line understood.
    private void CheckHistoryExpansion(bool inDoubleQuotes)
    {
        var next = source.Peek(1);
        if (source.Position + 1 >= source.Text.Length || HistorySafeFollowers.Contains(next, StringComparison.Ordinal)
            || EndsWord(next) || (inDoubleQuotes && next == '"'))
        {
            return;
        }

        state.MarkUnknown("'!' here is history expansion in an interactive shell, which bash -c does not perform");
    }

    // Expansions nest inside each other ("${a:-${b:-…}}"); the shared guard keeps the call stack bounded.
    private void Nested(Action read)
    {
        if (!state.TryEnter())
        {
            source.SkipToEnd();
            return;
        }

        try
        {
            read();
        }
        finally
        {
            state.Leave();
        }
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\+?=$")]
    private static partial Regex ArrayAssignmentStart();
}
