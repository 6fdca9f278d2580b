using System.Text;
using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

public sealed class ShellQuotingTests
{
    // Words a shell would otherwise expand, split, glob, substitute or treat as syntax.
    public static TheoryData<string> TrickyWords { get; } =
    [
        "", " ", "a b", "'", "''", "\"", "it's", "don't \"quote\" me", "$HOME", "${PATH}", "$(touch pwned)",
        "`touch pwned`", "a\nb", "line\n", "\t", "*", "?", "[ab]", "{a,b}", "~", "~root", "!", "!!", "\\", "\\n",
        "héllo wörld ✓", "日本語", "-n", "--", ";", "&&", "|", ">out", "<in", "#comment", "a=b", "%s", "%1", "(", ")",
        "'$(touch pwned)'",
    ];

    [Theory]
    [InlineData("echo", "echo")]
    [InlineData("/usr/bin/env", "/usr/bin/env")]
    [InlineData("--flag=1,2:3@host%x+y", "--flag=1,2:3@host%x+y")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", @"'it'\''s'")]
    [InlineData("'", @"''\'''")]
    [InlineData("$(rm x)", "'$(rm x)'")]
    [InlineData("`id`", "'`id`'")]
    [InlineData("*", "'*'")]
    [InlineData("~", "'~'")]
    [InlineData("!", "'!'")]
    [InlineData("a\nb", "'a\nb'")]
    [InlineData("héllo", "'héllo'")]
    public void An_argument_is_left_bare_only_when_every_character_is_safe(string word, string expected)
    {
        Assert.Equal($"printf {expected}", ShellQuoting.Join(["printf", word]));
    }

    [Fact]
    public void The_spec_example_quotes_the_substitution()
    {
        Assert.Equal("echo '$(rm x)'", ShellQuoting.Join(["echo", "$(rm x)"]));
    }

    [Theory]
    [InlineData("FOO=bar", "'FOO=bar' x")]
    [InlineData("time", "'time' x")]
    [InlineData("if", "'if' x")]
    [InlineData("%1", "'%1' x")]
    [InlineData("ls", "ls x")]
    public void A_first_word_that_bash_would_not_run_as_a_program_is_quoted(string program, string expected)
    {
        Assert.Equal(expected, ShellQuoting.Join([program, "x"]));
    }

    [Fact]
    public void Words_after_the_first_may_look_like_assignments_or_keywords()
    {
        Assert.Equal("env A=b time if", ShellQuoting.Join(["env", "A=b", "time", "if"]));
    }

    [Fact]
    public void An_empty_argv_joins_to_an_empty_line()
    {
        Assert.Equal(string.Empty, ShellQuoting.Join([]));
    }

    [Fact]
    public void A_nul_character_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ShellQuoting.Join(["echo", "a\0b"]));
    }

    [Theory]
    [MemberData(nameof(TrickyWords))]
    public async Task A_tricky_word_reaches_the_program_unchanged_through_bash(string word)
    {
        // Arrange
        using var directory = new TemporaryDirectory();
        var line = ShellQuoting.Join(["printf", "[%s]", word]);

        // Act
        var result = await RunBashAsync(line, directory.Path);

        // Assert
        Assert.Equal((ExecutionOutcome.Exited, 0, $"[{word}]", ""), (result.Outcome, result.ExitCode, result.Stdout.Text, result.Stderr.Text));
        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }

    [Fact]
    public async Task Random_argvs_round_trip_through_bash()
    {
        // Arrange: a property-style check with a fixed seed, drawing from the characters shells care about.
        const string alphabet = "ab Z09_-./=:,@%+'\"\\$`!*?[]{}()<>|&;#~^\t\n\r\u00e9\u2713";
        var random = new Random(20240601);
        var words = Enumerable.Range(0, 200)
            .Select(_ => new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()))
            .ToList();
        using var directory = new TemporaryDirectory();
        var line = ShellQuoting.Join(["printf", "%s\\0", .. words]);

        // Act
        var result = await RunBashAsync(line, directory.Path);

        // Assert
        var expected = new StringBuilder();
        foreach (var word in words)
        {
            expected.Append(word).Append('\0');
        }

        Assert.Equal(ExecutionOutcome.Exited, result.Outcome);
        Assert.Equal(expected.ToString(), result.Stdout.Text);
        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }

    [Fact]
    public async Task The_spec_example_prints_the_substitution_and_runs_nothing_else()
    {
        // Arrange
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.File("x"), "keep me");

        // Act
        var result = await RunBashAsync(ShellQuoting.Join(["echo", "$(rm x)"]), directory.Path);

        // Assert
        Assert.Equal("$(rm x)\n", result.Stdout.Text);
        Assert.True(File.Exists(directory.File("x")));
    }

    private static Task<ExecutionResult> RunBashAsync(string line, string workingDirectory) =>
        new CommandRunner().RunAsync(BashSpecs.Bash(line, workingDirectory), observer: null, CancellationToken.None);
}
