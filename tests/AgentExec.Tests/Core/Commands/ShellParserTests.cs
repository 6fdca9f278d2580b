using AgentExec.Core.Commands;

namespace AgentExec.Tests.Core.Commands;

public sealed class ShellParserTests
{
    [Fact]
    public void Quotes_and_escapes_are_removed_from_static_words()
    {
        var command = ParseSingle("echo 'a b' \"c d\" e\\ f $'g\\th' \"\" ''");

        Assert.Equal(["echo", "a b", "c d", "e f", "g\th", "", ""], command.Words.Select(word => word.Value));
        Assert.All(command.Words, word => Assert.True(word.IsStatic));
    }

    [Theory]
    [InlineData("$x", nameof(WordTraits.ParameterExpansion))]
    [InlineData("\"${x}\"", nameof(WordTraits.ParameterExpansion))]
    [InlineData("$(ls)", nameof(WordTraits.CommandSubstitution))]
    [InlineData("`ls`", nameof(WordTraits.CommandSubstitution))]
    [InlineData("<(ls)", nameof(WordTraits.InputProcessSubstitution))]
    [InlineData(">(ls)", nameof(WordTraits.OutputProcessSubstitution))]
    [InlineData("$((1+2))", nameof(WordTraits.Arithmetic))]
    [InlineData("*.c", nameof(WordTraits.Glob))]
    [InlineData("file[12]", nameof(WordTraits.Glob))]
    [InlineData("{a,b}", nameof(WordTraits.BraceExpansion))]
    [InlineData("{1..3}", nameof(WordTraits.BraceExpansion))]
    [InlineData("${x:=1}", nameof(WordTraits.EvaluatingExpansion))]
    [InlineData("${!x}", nameof(WordTraits.EvaluatingExpansion))]
    [InlineData("${x@P}", nameof(WordTraits.EvaluatingExpansion))]
    [InlineData("${a[$i]}", nameof(WordTraits.EvaluatingExpansion))]
    [InlineData("$((x))", nameof(WordTraits.EvaluatingExpansion))]
    public void Dynamic_parts_of_a_word_are_recognised(string text, string traitName)
    {
        var trait = Enum.Parse<WordTraits>(traitName);

        var word = ParseSingle("echo " + text).Words[1];

        Assert.True(word.Traits.HasFlag(trait), $"{text} has {word.Traits}");
        Assert.False(word.IsStatic);
    }

    [Theory]
    [InlineData("'*.c'")]
    [InlineData("\\*")]
    [InlineData("'{a,b}'")]
    [InlineData("{}")]
    [InlineData("[")]
    [InlineData("'$x'")]
    [InlineData("${x:-1}x")]
    public void Quoted_or_incomplete_patterns_are_not_expansions_that_evaluate(string text)
    {
        var word = ParseSingle("echo " + text).Words[1];

        Assert.False(word.Traits.HasFlag(WordTraits.EvaluatingExpansion));
        Assert.False(word.Traits.HasFlag(WordTraits.Glob));
        Assert.False(word.Traits.HasFlag(WordTraits.BraceExpansion));
    }

    [Theory]
    [InlineData("$x", true)]
    [InlineData("\"$x\"", true)]
    [InlineData("$x-rf", true)]
    [InlineData("*", true)]
    [InlineData("-r$x", true)]
    [InlineData("./$x", false)]
    [InlineData("a$x", false)]
    public void Word_that_could_expand_to_a_flag_is_noticed(string text, bool mayBeFlag)
    {
        Assert.Equal(mayBeFlag, ParseSingle("rm " + text).Words[1].MayBeFlag);
    }

    [Fact]
    public void Assignments_are_only_recognised_before_the_command_word()
    {
        var command = ParseSingle("A=1 B+=2 env C=3");

        Assert.Equal(["A=1", "B+=2"], command.Assignments.Select(word => word.Source));
        Assert.Equal(["env", "C=3"], command.Words.Select(word => word.Source));
    }

    [Fact]
    public void Redirections_keep_their_descriptor_operator_and_target()
    {
        var command = ParseSingle("cmd 2>err 3<in >&2 &>all 2>&1 >>log <<<here");

        Assert.Equal(
            ["2 > err", "3 < in", "- >& 2", "- &> all", "2 >& 1", "- >> log", "- <<< here"],
            command.Redirections.Select(r => $"{r.FileDescriptor?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {r.Operator} {r.Target.Value}"));
        Assert.Equal(
            [true, false, false, true, false, true, false],
            command.Redirections.Select(redirection => redirection.WritesFile));
    }

    [Theory]
    [InlineData("> /dev/null", false)]
    [InlineData("2> /dev/stderr", false)]
    [InlineData("&> /dev/null", false)]
    [InlineData(">&-", false)]
    [InlineData("<> file", true)]
    [InlineData(">& file", true)]
    [InlineData("> $out", true)]
    public void Only_redirections_that_open_a_file_for_writing_write(string redirection, bool writes)
    {
        Assert.Equal(writes, Assert.Single(ParseSingle("echo " + redirection).Redirections).WritesFile);
    }

    [Fact]
    public void Here_document_body_is_attached_to_its_redirection()
    {
        var script = ShellParser.ParseScript("cat <<'A' <<B\none $(x)\nA\ntwo\nB\necho after", new ParseState());

        Assert.Equal(2, script.Commands.Count);
        var heredocs = script.Commands[0].Redirections.Select(redirection => redirection.Heredoc!).ToList();
        Assert.Equal(("one $(x)\n", true), (heredocs[0].Text, heredocs[0].IsQuoted));
        Assert.Equal(("two\n", false), (heredocs[1].Text, heredocs[1].IsQuoted));
        Assert.Equal("two\n", heredocs[1].StaticText);
    }

    [Fact]
    public void Double_parenthesis_is_arithmetic_only_when_it_closes_with_two()
    {
        var arithmetic = ParseSingle("echo $((1 + 2))").Words[1];
        var subshell = ParseSingle("echo $( (ls) | wc )").Words[1];

        Assert.Empty(arithmetic.Substitutions);
        Assert.Equal(["ls", "wc"], subshell.Substitutions.Single().Commands.Select(command => command.Words[0].Value));
    }

    [Fact]
    public void Line_continuation_joins_lines_and_a_comment_ends_at_the_newline()
    {
        var script = ShellParser.ParseScript("ls \\\n  -la # ; rm -rf /\necho done", new ParseState());

        Assert.Equal(["ls -la", "echo done"], script.Commands.Select(command => string.Join(' ', command.Words.Select(word => word.Value))));
    }

    [Fact]
    public void Commands_after_a_pipe_read_it_and_group_redirections_are_inherited()
    {
        var script = ShellParser.ParseScript("curl x | { sh; cat; } > out", new ParseState());

        Assert.Equal([false, true, true], script.Commands.Select(command => command.ReadsPipe));
        Assert.All(script.Commands.Skip(1), command => Assert.Equal("out", Assert.Single(command.InheritedRedirections).Target.Value));
    }

    [Fact]
    public void Unbalanced_quote_marks_the_state_unknown()
    {
        var state = new ParseState();

        ShellParser.ParseScript("echo 'oops", state);

        Assert.Equal("a single quote is not closed", state.UnknownReason);
    }

    private static SimpleCommand ParseSingle(string line)
    {
        var state = new ParseState();
        var script = ShellParser.ParseScript(line, state);
        Assert.Null(state.UnknownReason);
        return Assert.Single(script.Commands);
    }
}
