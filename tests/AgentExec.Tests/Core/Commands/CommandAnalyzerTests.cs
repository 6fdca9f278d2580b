using AgentExec.Core.Commands;

namespace AgentExec.Tests.Core.Commands;

public sealed class CommandAnalyzerTests
{
    [Fact]
    public void Substitution_parts_come_one_level_deeper_right_after_their_command()
    {
        var analysis = CommandAnalyzer.Analyze("echo $(rm x) && ls");

        Assert.Collection(
            analysis.Parts,
            part => Assert.Equal(("echo", 0, "echo $(rm x)"), (part.Program, part.Depth, part.Text)),
            part => Assert.Equal(("rm", 1, "rm x"), (part.Program, part.Depth, part.Text)),
            part => Assert.Equal(("ls", 0, "ls"), (part.Program, part.Depth, part.Text)));
    }

    [Fact]
    public void Nested_shell_script_is_parsed_into_parts_one_level_deeper()
    {
        var analysis = CommandAnalyzer.Analyze("bash -lc 'ls; rm -rf build'");

        Assert.Equal(["bash:0", "ls:1", "rm:1"], analysis.Parts.Select(part => $"{part.Program}:{part.Depth}"));
        Assert.Equal(CommandSafety.Dangerous, analysis.Parts[2].Safety);
        Assert.Contains("nested shell", analysis.Constructs);
    }

    [Fact]
    public void Backticks_nest_with_escaped_backticks()
    {
        var analysis = CommandAnalyzer.Analyze("echo `echo \\`rm x\\``");

        Assert.Equal(["echo:0", "echo:1", "rm:2"], analysis.Parts.Select(part => $"{part.Program}:{part.Depth}"));
    }

    [Fact]
    public void Commands_run_by_find_exec_are_judged_as_parts_of_their_own()
    {
        var analysis = CommandAnalyzer.Analyze("find . -name '*.tmp' -exec sh -c 'rm -rf \"$1\"' _ {} \\;");

        // sh's script is read with bash's grammar and dash's; both readings find the same rm, listed once.
        Assert.Equal(["find:0", "sh:1", "rm:2"], analysis.Parts.Select(part => $"{part.Program}:{part.Depth}"));
        Assert.Equal(CommandSafety.Dangerous, analysis.Parts[2].Safety);
    }

    [Fact]
    public void Unquoted_here_document_runs_its_substitutions_and_a_quoted_one_does_not()
    {
        var unquoted = CommandAnalyzer.Analyze("cat <<EOF\nhello $(rm -rf x)\nEOF");
        var quoted = CommandAnalyzer.Analyze("cat <<'EOF'\nhello $(rm -rf x)\nEOF");

        Assert.Equal(["cat", "rm"], unquoted.Parts.Select(part => part.Program));
        Assert.Equal(CommandSafety.Dangerous, unquoted.Parts[1].Safety);
        Assert.Equal(["cat"], quoted.Parts.Select(part => part.Program));
        Assert.True(KnownSafeJudge.IsKnownSafe(quoted));
    }

    [Fact]
    public void Here_document_with_a_dash_strips_tabs_before_matching_its_end_marker()
    {
        var analysis = CommandAnalyzer.Analyze("cat <<-EOF\n\t$(rm x)\n\tEOF\necho after");

        Assert.False(analysis.IsUnknown);
        Assert.Equal(["cat", "rm", "echo"], analysis.Parts.Select(part => part.Program));
    }

    [Fact]
    public void Here_document_body_is_read_after_its_line_and_the_line_goes_on()
    {
        var analysis = CommandAnalyzer.Analyze("cat <<A && rm -rf x\nbody\nA\nls");

        Assert.Equal(["cat", "rm", "ls"], analysis.Parts.Select(part => part.Program));
        Assert.False(analysis.IsUnknown);
    }

    [Fact]
    public void Here_document_without_its_end_marker_is_unknown()
    {
        var analysis = CommandAnalyzer.Analyze("cat <<EOF\nno end here");

        Assert.True(analysis.IsUnknown);
        Assert.Contains("end marker", analysis.UnknownReason);
    }

    [Fact]
    public void Constructs_list_what_the_line_uses_in_order_of_appearance()
    {
        var analysis = CommandAnalyzer.Analyze("ls && cat a | wc -l; echo $(pwd) > /dev/null");

        Assert.Equal(["&&", "|", ";", "$(…)", "redirection"], analysis.Constructs);
    }

    [Fact]
    public void Arguments_are_unquoted_and_dynamic_words_keep_their_source_text()
    {
        var analysis = CommandAnalyzer.Analyze("grep -e 'a b' \"$X\" \\* $'\\x41'");

        var part = Assert.Single(analysis.Parts);
        Assert.Equal(["-e", "a b", "\"$X\"", "*", "A"], part.Arguments);
    }

    [Fact]
    public void Wrappers_are_unwrapped_and_recorded_outermost_first()
    {
        var analysis = CommandAnalyzer.Analyze("sudo env FOO=1 nohup nice -n 5 timeout 10 rm -rf x");

        var part = Assert.Single(analysis.Parts);
        Assert.Equal("rm", part.Program);
        Assert.Equal(["-rf", "x"], part.Arguments);
        Assert.Equal(["sudo", "env", "nohup", "nice", "timeout"], part.Wrappers);
        Assert.Equal(CommandSafety.Dangerous, part.Safety);
    }

    [Fact]
    public void Sudo_makes_a_read_only_command_dangerous()
    {
        var part = Assert.Single(CommandAnalyzer.Analyze("sudo cat /etc/shadow").Parts);

        Assert.Equal(("cat", CommandSafety.Dangerous, "sudo runs the command as another user"), (part.Program, part.Safety, part.Reason));
    }

    [Theory]
    [InlineData("ls", "read-only command")]
    [InlineData("rm -rf x", "rm with -r/-f")]
    [InlineData("rm x", "rm is not on the known-safe list")]
    [InlineData("cat a > b", "the redirection > b opens a file for writing")]
    [InlineData("LD_PRELOAD=/tmp/x.so ls", "a variable is assigned for the command")]
    [InlineData("sed -i s/a/b/ f", "sed -i is not on sed's option allow-list")]
    [InlineData("find . -delete", "find with -delete")]
    [InlineData("find . -exec rm {} \\;", "find -exec is not on find's allow-list")]
    [InlineData("curl x | sh", "runs a script from a pipe")]
    [InlineData("rm $X", "rm with an argument expanded at run time (could be -r/-f)")]
    [InlineData("./ls", "the program is given by a path (./ls), which could be any file")]
    [InlineData("git reset --hard", "git reset --hard discards uncommitted changes")]
    [InlineData("git -c alias.x='!rm -rf /' x", "git -c alias.* redefines a subcommand")]
    [InlineData("a=1", "a variable is assigned for the command")]
    public void Reason_says_why_in_a_short_phrase(string line, string reason)
    {
        var analysis = CommandAnalyzer.Analyze(line);

        // The first of the strictest parts is the one an explanation leads with.
        Assert.Equal(reason, analysis.Parts.MaxBy(part => part.Safety)!.Reason);
    }

    [Fact]
    public void Unknown_line_still_lists_the_parts_it_understood()
    {
        var analysis = CommandAnalyzer.Analyze("if [ -f x ]; then rm -rf x; fi");

        Assert.Equal("the control structure 'if' is not analysed", analysis.UnknownReason);
        Assert.Equal(["[", "rm"], analysis.Parts.Select(part => part.Program));
        Assert.Equal(CommandSafety.Dangerous, analysis.Parts[1].Safety);
    }

    [Fact]
    public void Unknown_line_is_never_known_safe_even_when_every_part_is()
    {
        var analysis = CommandAnalyzer.Analyze("while true; do ls; done");

        Assert.True(analysis.IsUnknown);
        Assert.All(analysis.Parts, part => Assert.Equal(CommandSafety.Ordinary, part.Safety));
        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
    }

    [Fact]
    public void Nested_shells_up_to_the_depth_limit_are_followed()
    {
        var analysis = CommandAnalyzer.Analyze(NestInBashC("ls", CommandAnalyzer.MaxNestingDepth));

        Assert.False(analysis.IsUnknown);
        Assert.Equal(CommandAnalyzer.MaxNestingDepth, analysis.Parts.Single(part => part.Program == "ls").Depth);
        Assert.True(KnownSafeJudge.IsKnownSafe(analysis));
    }

    [Fact]
    public void Nested_shells_past_the_depth_limit_make_the_line_unknown()
    {
        var analysis = CommandAnalyzer.Analyze(NestInBashC("rm -rf x", CommandAnalyzer.MaxNestingDepth + 1));

        Assert.Equal($"nested more than {CommandAnalyzer.MaxNestingDepth} levels deep", analysis.UnknownReason);
        Assert.DoesNotContain(analysis.Parts, part => part.Program == "rm");
        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
    }

    [Fact]
    public void Deep_parenthesis_nesting_is_unknown_instead_of_overflowing_the_stack()
    {
        var line = new string('(', 50_000) + "ls" + new string(')', 50_000);
        var substitutions = string.Concat(Enumerable.Repeat("${a:-", 20_000)) + "x" + new string('}', 20_000);

        Assert.True(CommandAnalyzer.Analyze(line).IsUnknown);
        Assert.True(CommandAnalyzer.Analyze(substitutions).IsUnknown);
    }

    [Theory]
    [InlineData("'")]
    [InlineData("$(")]
    [InlineData("${")]
    [InlineData("`")]
    [InlineData("<<")]
    [InlineData("))")]
    [InlineData("a=(")]
    [InlineData("$((")]
    [InlineData("echo $'\\")]
    [InlineData("> ")]
    [InlineData("2>&")]
    [InlineData("{x}>&-")]
    [InlineData("ls\0rm")]
    public void Odd_input_is_unknown_and_never_throws(string line)
    {
        var analysis = CommandAnalyzer.Analyze(line);

        Assert.True(analysis.IsUnknown);
        Assert.DoesNotContain("analysis failed", analysis.UnknownReason);
    }

    [Fact]
    public void A_line_whose_analysis_fails_half_way_gets_a_dangerous_part_for_what_was_never_looked_at()
    {
        // Found in a review: after an exception the parts collected so far were kept and the line was merely unknown, so
        // on-request ran what came after the failure (here rm, never looked at) with no question. The failure is
        // provoked through the context: its writable roots throw when the proof first consults them (for ls's PATH).
        var context = new AnalysisContext("/nonexistent/ws", "/nonexistent/home", "/usr/bin:/bin", new ThrowingDirectories(), AgentExec.Core.Credentials.CredentialList.For("/nonexistent/home"), CredentialsHidden: true);

        var analysis = CommandAnalyzer.Analyze("echo ok; ls; rm -rf ~", context);

        Assert.StartsWith("the analysis failed", analysis.UnknownReason, StringComparison.Ordinal);
        Assert.Contains(analysis.Parts, part => part.Safety == CommandSafety.Dangerous && part.Reason.Contains("never looked at", StringComparison.Ordinal));
    }

    private sealed class ThrowingDirectories : IReadOnlyList<string>
    {
        public int Count => throw new InvalidOperationException("broken for this test");

        public string this[int index] => throw new InvalidOperationException("broken for this test");

        public IEnumerator<string> GetEnumerator() => throw new InvalidOperationException("broken for this test");

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public void Random_shell_soup_never_makes_the_analysis_fail()
    {
        string[] atoms =
        [
            "ls", "rm", " ", "-rf", "$(", ")", "(", "`", "'", "\"", "$'", "${", "}", "{", ";", "&&", "||", "|", "&", "\n",
            "<<", "EOF", "<<'EOF'", ">", "<", "2>&1", "$((", "))", "#", "\\", "=", "bash -c ", "if ", "fi", "case ", "esac",
            "*", "[", "]", "!", "<(", ">(", "$x", "a=(", "for ", "do ", "done", "<<-", "<<<", "eval ", "xargs ", "-exec ", "\\;",
        ];
        var random = new Random(20251125);

        for (var i = 0; i < 5_000; i++)
        {
            var line = string.Concat(Enumerable.Range(0, random.Next(1, 25)).Select(_ => atoms[random.Next(atoms.Length)]));

            var analysis = CommandAnalyzer.Analyze(line);

            Assert.False(analysis.UnknownReason?.Contains("analysis failed", StringComparison.Ordinal) ?? false, line);
        }
    }

    [Fact]
    public void Line_longer_than_bash_accepts_is_unknown()
    {
        var analysis = CommandAnalyzer.Analyze("echo " + new string('a', 200_000));

        Assert.Equal("the command line is too long to analyse", analysis.UnknownReason);
    }

    private static string NestInBashC(string script, int levels)
    {
        for (var i = 0; i < levels; i++)
        {
            script = "bash -c '" + script.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        }

        return script;
    }
}
