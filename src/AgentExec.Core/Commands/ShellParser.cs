namespace AgentExec.Core.Commands;

/// <summary>
/// A small recursive-descent parser for the bash command language: lists, and-or lists, pipelines,
/// subshells, brace groups and simple commands. Control structures (<c>if</c>, <c>for</c>, <c>case</c>,
/// functions, <c>[[ … ]]</c>, <c>(( … ))</c>) are not analysed: they make the line unknown, and the parser
/// reads on through them on a best-effort basis so the commands inside still show up as parts.
/// </summary>
/// <remarks>It never throws on bad input: anything it cannot account for marks the <see cref="ParseState"/> unknown.</remarks>
internal sealed class ShellParser
{
    // Keywords that introduce or continue a compound command; the commands after them are ordinary
    // commands as far as this parser is concerned.
    private static readonly HashSet<string> TransparentKeywords = ["if", "then", "elif", "else", "while", "until", "do", "coproc"];

    // Keywords with a shape of their own, or that close a compound command.
    private static readonly HashSet<string> StructureKeywords = ["for", "select", "case", "function", "[[", "fi", "done", "esac", "]]", "}"];

    private readonly ShellSource source;
    private readonly ParseState state;
    private readonly ShellLexer lexer;
    private readonly List<SimpleCommand> commands = [];
    private readonly List<ShellWord> looseWords = [];
    private readonly List<Redirection> looseRedirections = [];

    private ShellParser(ShellSource source, ParseState state)
    {
        this.source = source;
        this.state = state;
        lexer = new ShellLexer(source, state);
    }

    /// <summary>Parses a whole script (a command line, a nested <c>bash -c</c> script, a backtick body).</summary>
    public static ParsedScript ParseScript(string text, ParseState state, ShellDialect dialect = ShellDialect.Bash)
    {
        if (!state.TryEnter())
        {
            return ParsedScript.Empty;
        }

        try
        {
            if (JoiningLineContinuation(text) is { } joined)
            {
                state.MarkUnknown($"a line continuation right after '{joined}' (bash joins it to what follows)");
                return ParsedScript.Empty;
            }

            var parser = new ShellParser(new ShellSource(text, dialect), state);
            parser.ParseList(ListTerminator.EndOfInput);
            return parser.Result();
        }
        finally
        {
            state.Leave();
        }
    }

    // bash removes a backslash-newline before it reads tokens, so "$\<newline>(id)" is "$(id)" and ">\<newline>>" is
    // ">>"; this reader takes the continuation where it meets it, which is right inside a word but not between the
    // characters of a "$(", "${", "$'", "<(", "&&", "2>" or "{fd}" (an attack ran `echo "$\<newline>(cat ~/.netrc)"` as
    // known-safe). So a continuation right after a character that begins or continues such a token makes the line
    // unknown. Strict: one inside single quotes, where it is literal, counts too; "ls \<newline> -la" does not.
    private const string JoiningCharacters = "$<>&|;(){}=0123456789";

    private static char? JoiningLineContinuation(string text)
    {
        for (var index = text.IndexOf("\\\n", StringComparison.Ordinal); index >= 0; index = text.IndexOf("\\\n", index + 2, StringComparison.Ordinal))
        {
            // Only an unescaped backslash continues the line: count the ones before it.
            var backslashes = 1;
            while (index - backslashes >= 0 && text[index - backslashes] == '\\')
            {
                backslashes++;
            }

            var before = index - backslashes;
            if (backslashes % 2 == 1 && before >= 0 && JoiningCharacters.Contains(text[before], StringComparison.Ordinal))
            {
                return text[before];
            }
        }

        return null;
    }

    /// <summary>
    /// Parses the script of a <c>$(…)</c>, <c>&lt;(…)</c> or <c>&gt;(…)</c> whose opening was just read from
    /// <paramref name="source"/>, and consumes the closing parenthesis.
    /// </summary>
    public static ParsedScript ParseSubstitution(ShellSource source, ParseState state)
    {
        if (!state.TryEnter())
        {
            source.SkipToEnd();
            return ParsedScript.Empty;
        }

        try
        {
            var parser = new ShellParser(source, state);
            parser.ParseList(ListTerminator.CloseParen);
            if (!parser.lexer.Next().IsOperator(")"))
            {
                state.MarkUnknown("a substitution is not closed");
            }

            return parser.Result();
        }
        finally
        {
            state.Leave();
        }
    }

    private ParsedScript Result() => new([.. commands], [.. looseWords], [.. looseRedirections]);

    private void ParseList(ListTerminator terminator)
    {
        while (!state.GaveUp)
        {
            SkipNewlines();
            var token = lexer.Peek();
            if (token.Kind == ShellTokenKind.End)
            {
                if (terminator != ListTerminator.EndOfInput)
                {
                    state.MarkUnknown(terminator switch
                    {
                        ListTerminator.CloseParen => "a '(' is not closed",
                        ListTerminator.CloseBrace => "a '{' group is not closed",
                        _ => "a case statement is not closed",
                    });
                }

                return;
            }

            if (Ends(token, terminator))
            {
                return;
            }

            if (token.Kind == ShellTokenKind.Operator && !token.IsOperator("("))
            {
                state.MarkUnknown($"unexpected '{token.Text}'");
                lexer.Next();
                continue;
            }

            ParseAndOr();
            var separator = lexer.Peek();
            if (separator.IsOperator(";") || separator.IsOperator("&"))
            {
                state.Saw(separator.Text);
                lexer.Next();
            }
            else if (separator.Kind == ShellTokenKind.Newline)
            {
                state.Saw("newline");
            }
            else if (separator.Kind != ShellTokenKind.End && !Ends(separator, terminator))
            {
                state.MarkUnknown($"unexpected '{separator.Text}'");
                lexer.Next();
            }
        }
    }

    private static bool Ends(ShellToken token, ListTerminator terminator) => terminator switch
    {
        ListTerminator.CloseParen => token.IsOperator(")"),
        ListTerminator.CloseBrace => token.IsUnquotedWord("}"),
        ListTerminator.CaseItem => token.IsOperator(";;") || token.IsOperator(";&") || token.IsOperator(";;&")
            || token.IsUnquotedWord("esac"),
        _ => false,
    };

    private void ParseAndOr()
    {
        ParsePipeline();
        while (lexer.Peek() is { Kind: ShellTokenKind.Operator, Text: "&&" or "||" } op)
        {
            state.Saw(op.Text);
            lexer.Next();
            SkipNewlines();
            ParsePipeline();
        }
    }

    private void ParsePipeline()
    {
        ParseCommand(readsPipe: false);
        while (lexer.Peek() is { Kind: ShellTokenKind.Operator, Text: "|" or "|&" } op)
        {
            state.Saw(op.Text);
            lexer.Next();
            SkipNewlines();
            ParseCommand(readsPipe: true);
        }
    }

    private void ParseCommand(bool readsPipe)
    {
        var first = commands.Count;
        ShellToken? leadingTime = null;
        while (!state.GaveUp)
        {
            var prefix = lexer.Peek();
            if (prefix.IsUnquotedWord("!"))
            {
                state.Saw("!");
            }
            else if (IsKeyword(prefix, TransparentKeywords))
            {
                state.Saw(prefix.Text);
                state.MarkUnknown($"the control structure '{prefix.Text}' is not analysed");
                if (prefix.Text == "coproc")
                {
                    lexer.Next();
                    SkipCoprocName();
                    continue;
                }
            }
            else if (leadingTime is null && prefix.IsUnquotedWord("time"))
            {
                leadingTime = lexer.Next();
                SkipTimeOptions();
                continue;
            }
            else
            {
                break;
            }

            lexer.Next();
            SkipNewlines();
        }

        var token = lexer.Peek();
        var compound = token.IsOperator("(") || token.IsUnquotedWord("{") || IsKeyword(token, StructureKeywords);
        if (leadingTime is not null && !compound)
        {
            // "time -p cmd": the keyword stays in the command, where it is unwrapped like any wrapper.
            ParseSimpleCommand(leadingTime);
        }
        else if (token.IsOperator("("))
        {
            ParseSubshell();
        }
        else if (token.IsUnquotedWord("{"))
        {
            ParseGroup();
        }
        else if (IsKeyword(token, StructureKeywords))
        {
            ParseStructure(token.Text);
        }
        else if (token.Kind is ShellTokenKind.Word or ShellTokenKind.Redirection)
        {
            ParseSimpleCommand(leading: null);
        }
        else
        {
            state.MarkUnknown(token.Kind == ShellTokenKind.End
                ? "a command is missing at the end of the line"
                : $"a command is missing before '{token.Text.Trim()}'");
            return;
        }

        if (readsPipe)
        {
            for (var i = first; i < commands.Count; i++)
            {
                commands[i] = commands[i] with { ReadsPipe = true };
            }
        }
    }

    private static bool IsKeyword(ShellToken token, HashSet<string> keywords) =>
        token.Kind == ShellTokenKind.Word && token.Word!.IsStatic && !token.Word.IsQuoted && keywords.Contains(token.Word.Value);

    private void ParseSimpleCommand(ShellToken? leading)
    {
        var assignments = new List<ShellWord>();
        var words = new List<ShellWord>();
        var redirections = new List<Redirection>();
        var start = leading?.Start ?? lexer.Peek().Start;
        var end = start;
        if (leading is not null)
        {
            words.Add(leading.Word!);
            end = leading.End;
        }

        while (!state.GaveUp)
        {
            var token = lexer.Peek();
            if (token.Kind == ShellTokenKind.Word)
            {
                lexer.Next();
                end = token.End;
                if (words.Count == 0 && token.Word!.IsAssignment)
                {
                    state.Saw("assignment");
                    assignments.Add(token.Word);
                    continue;
                }

                words.Add(token.Word!);
                if (words.Count == 1 && assignments.Count == 0 && redirections.Count == 0 && lexer.Peek().IsOperator("("))
                {
                    ParseFunctionBody();
                    return;
                }
            }
            else if (token.Kind == ShellTokenKind.Redirection)
            {
                lexer.Next();
                end = token.End;
                redirections.Add(token.Redirection!);
            }
            else
            {
                break;
            }
        }

        if (assignments.Count + words.Count + redirections.Count > 0)
        {
            commands.Add(new SimpleCommand(source.Text[start..end], assignments, words, redirections, [], ReadsPipe: false));
        }
    }

    // "coproc NAME { …; }" and "coproc NAME ( … )": NAME is the array bash sets (to descriptor numbers; coproc HOME { :; }
    // set HOME to 63), and the compound command after it is parsed as one (read as a simple command "NAME { cd ~", a cd
    // in it went unseen, found by an attack). A word before anything else is a simple command's name instead.
    private void SkipCoprocName()
    {
        SkipNewlines();
        if (lexer.Peek().Kind == ShellTokenKind.Word && !IsKeyword(lexer.Peek(), StructureKeywords) && !lexer.Peek().IsUnquotedWord("{")
            && lexer.PeekSecond() is var second && (second.IsUnquotedWord("{") || second.IsOperator("(") || IsKeyword(second, StructureKeywords) || IsKeyword(second, TransparentKeywords)))
        {
            state.SawAssignedName(lexer.Next().Word!.Source);
        }
    }

    // "time -p { …; }", "time -- cmd": bash's time takes -p and "--" before its pipeline, which may be compound (read as
    // the simple command "time -p {", a cd inside went unseen, found by an attack). A word left after them is a simple
    // command's first word, as before.
    private void SkipTimeOptions()
    {
        while (lexer.Peek().IsUnquotedWord("-p") || lexer.Peek().IsUnquotedWord("--"))
        {
            var next = lexer.PeekSecond();
            if (!(next.IsUnquotedWord("{") || next.IsOperator("(") || IsKeyword(next, StructureKeywords) || IsKeyword(next, TransparentKeywords)
                || next.IsUnquotedWord("-p") || next.IsUnquotedWord("--")))
            {
                return;
            }

            lexer.Next();
        }
    }

    // "name () body": the body is parsed for its parts, though it only runs if the function is called.
    private void ParseFunctionBody()
    {
        state.Saw("function");
        state.MarkUnknown("a function definition is not analysed");
        lexer.Next();
        if (lexer.Peek().IsOperator(")"))
        {
            lexer.Next();
        }

        SkipNewlines();
        ParseNested(() => ParseCommand(readsPipe: false));
    }

    private void ParseSubshell()
    {
        var first = commands.Count;
        var open = lexer.Next();
        var next = lexer.Peek();
        if (next.IsOperator("(") && next.Start == open.End)
        {
            SkipArithmeticCommand();
            return;
        }

        state.Saw("subshell");
        ParseNested(() =>
        {
            ParseList(ListTerminator.CloseParen);
            if (lexer.Peek().IsOperator(")"))
            {
                lexer.Next();
            }
        });
        ApplyTrailingRedirections(first);
    }

    private void ParseGroup()
    {
        var first = commands.Count;
        lexer.Next();
        state.Saw("brace group");
        ParseNested(() =>
        {
            ParseList(ListTerminator.CloseBrace);
            if (lexer.Peek().IsUnquotedWord("}"))
            {
                lexer.Next();
            }
        });
        ApplyTrailingRedirections(first);
    }

    private void ParseNested(Action parse)
    {
        if (!state.TryEnter())
        {
            return;
        }

        try
        {
            parse();
        }
        finally
        {
            state.Leave();
        }
    }

    // The redirections after ")" or "}" apply to every command inside: "(cat a) > b" writes b.
    private void ApplyTrailingRedirections(int first)
    {
        var trailing = new List<Redirection>();
        while (lexer.Peek().Kind == ShellTokenKind.Redirection)
        {
            trailing.Add(lexer.Next().Redirection!);
        }

        if (trailing.Count == 0)
        {
            return;
        }

        looseRedirections.AddRange(trailing);
        for (var i = first; i < commands.Count; i++)
        {
            commands[i] = commands[i] with { InheritedRedirections = [.. commands[i].InheritedRedirections, .. trailing] };
        }
    }

    private void ParseStructure(string keyword)
    {
        state.Saw(keyword);
        state.MarkUnknown(keyword switch
        {
            "function" => "a function definition is not analysed",
            "}" => "unexpected '}'",
            _ => $"the control structure '{keyword}' is not analysed",
        });
        lexer.Next();
        switch (keyword)
        {
            case "for" or "select":
                ParseLoopHeader();
                break;
            case "case":
                ParseCase();
                break;
            case "function":
                if (lexer.Peek().Kind == ShellTokenKind.Word)
                {
                    lexer.Next();
                }

                if (lexer.Peek().IsOperator("("))
                {
                    ParseFunctionBody();
                }
                else
                {
                    SkipNewlines();
                    ParseNested(() => ParseCommand(readsPipe: false));
                }

                break;
            case "[[":
                SkipConditional();
                break;
            default:
                SkipTrailingRedirections();
                break;
        }
    }

    // "for NAME [in WORDS]" or "for ((…))"; the "do … done" that follows is read as ordinary commands.
    private void ParseLoopHeader()
    {
        if (lexer.Peek().IsOperator("("))
        {
            // for ((…; …; …)): arithmetic, which may assign any variable, like an arithmetic command.
            state.Saw("((…))");
            SkipParenthesised();
            return;
        }

        if (lexer.Peek().Kind == ShellTokenKind.Word)
        {
            state.SawAssignedName(lexer.Next().Word!.Source);
        }

        SkipNewlines();
        if (lexer.Peek().IsUnquotedWord("in"))
        {
            lexer.Next();
            while (lexer.Peek().Kind == ShellTokenKind.Word)
            {
                looseWords.Add(lexer.Next().Word!);
            }
        }
    }

    private void ParseCase()
    {
        if (lexer.Peek().Kind == ShellTokenKind.Word)
        {
            looseWords.Add(lexer.Next().Word!);
        }

        SkipNewlines();
        if (lexer.Peek().IsUnquotedWord("in"))
        {
            lexer.Next();
        }

        while (!state.GaveUp)
        {
            SkipNewlines();
            var token = lexer.Peek();
            if (token.Kind == ShellTokenKind.End)
            {
                state.MarkUnknown("a case statement is not closed");
                return;
            }

            if (token.IsUnquotedWord("esac"))
            {
                lexer.Next();
                SkipTrailingRedirections();
                return;
            }

            if (token.IsOperator("("))
            {
                lexer.Next();
            }

            while (lexer.Peek() is var pattern && pattern.Kind != ShellTokenKind.End && !pattern.IsOperator(")"))
            {
                TakeLoose(lexer.Next());
            }

            if (lexer.Peek().IsOperator(")"))
            {
                lexer.Next();
            }

            ParseNested(() => ParseList(ListTerminator.CaseItem));
            if (lexer.Peek() is { Kind: ShellTokenKind.Operator, Text: ";;" or ";&" or ";;&" })
            {
                lexer.Next();
            }
        }
    }

    private void SkipConditional()
    {
        while (!state.GaveUp)
        {
            var token = lexer.Next();
            if (token.Kind == ShellTokenKind.End)
            {
                return;
            }

            if (token.IsUnquotedWord("]]"))
            {
                SkipTrailingRedirections();
                return;
            }

            TakeLoose(token);
        }
    }

    private void SkipArithmeticCommand()
    {
        state.Saw("((…))");
        state.MarkUnknown("an arithmetic command ((…)) is not analysed");
        SkipParenthesised(depth: 1);
    }

    private void SkipParenthesised(int depth = 0)
    {
        do
        {
            var token = lexer.Next();
            if (token.Kind == ShellTokenKind.End)
            {
                return;
            }

            if (token.IsOperator("("))
            {
                depth++;
            }
            else if (token.IsOperator(")"))
            {
                depth--;
            }
            else
            {
                TakeLoose(token);
            }
        }
        while (depth > 0 && !state.GaveUp);
    }

    private void SkipTrailingRedirections()
    {
        while (lexer.Peek().Kind == ShellTokenKind.Redirection)
        {
            looseRedirections.Add(lexer.Next().Redirection!);
        }
    }

    private void TakeLoose(ShellToken token)
    {
        if (token.Word is { } word)
        {
            looseWords.Add(word);
        }
        else if (token.Redirection is { } redirection)
        {
            looseRedirections.Add(redirection);
        }
    }

    private void SkipNewlines()
    {
        while (lexer.Peek().Kind == ShellTokenKind.Newline)
        {
            lexer.Next();
        }
    }
}
