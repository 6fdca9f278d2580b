using AgentExec.Core.Commands;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Commands;

/// <summary>
/// git's option reading against the known-safe proof's (SPEC.md "Policy", step 3a): git's revision options take a value
/// only when attached, and git does not split every cluster, so a word the proof would take as an option's value may be
/// an option to git. An attack hid <c>--output=FILE</c> (which writes any file) that way behind <c>-U</c>.
/// </summary>
public sealed class GitOptionReadingTests : IDisposable
{
    private readonly ProofMachine machine = new();
    private readonly TemporaryDirectory _temp = new();

    public void Dispose()
    {
        machine.Dispose();
        _temp.Dispose();
    }

    [Theory]
    [InlineData("git log -1 -U --output=x")]
    [InlineData("git log --unified --output=x")]
    [InlineData("git diff -U --output=x")]
    [InlineData("git show --unified --output=x")]
    [InlineData("git whatchanged -U --output=x")]
    [InlineData("git reflog show -U --output=x")]
    [InlineData("git log --min-parents --output=x")]
    [InlineData("git log --max-parents --output=x")]
    [InlineData("git diff -L --output=x")]
    [InlineData("git log -pn --output=x")]
    [InlineData("git log -sn --ext-diff")]
    [InlineData("git log --author --show-signature")]
    [InlineData("git grep -e --open-files-in-pager=sh x")]
    public void A_word_after_a_value_option_that_git_may_read_as_an_option_is_refused(string line)
    {
        var analysis = machine.Analyze(line);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Reason.Contains("may read that word as an option", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("git log -n 5 --oneline")]
    [InlineData("git log -U5 -p")]
    [InlineData("git log --unified=5 -p")]
    [InlineData("git log --author alice --oneline")]
    [InlineData("git grep -e foo")]
    public void Values_in_words_of_their_own_that_git_cannot_take_for_options_stay_known_safe(string line)
    {
        Assert.True(KnownSafeJudge.IsKnownSafe(machine.Analyze(line)), line);
    }

    [Theory]
    [InlineData("git shortlog --group=format:%GS HEAD", "signature placeholder runs gpg")]
    [InlineData("git shortlog --group format:%GK HEAD", "signature placeholder runs gpg")]
    [InlineData("git config --get user.name", "git config is not a read-only git command")]
    [InlineData("git config --list", "git config is not a read-only git command")]
    public void Other_inspections_that_run_gpg_or_print_included_files_are_refused(string line, string reason)
    {
        var analysis = machine.Analyze(line);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Git_itself_takes_the_word_after_a_bare_U_as_an_option()
    {
        // The premise, with git as the judge: the file is written.
        var repository = _temp.File("repository");
        Directory.CreateDirectory(repository);
        HostCommand.Git(repository, "init", "-q", ".");
        HostCommand.Git(repository, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "--allow-empty", "-m", "first");

        HostCommand.Run(repository, "git", "log", "-1", "-U", "--output=written");

        Assert.True(File.Exists(Path.Join(repository, "written")));
    }

    [Fact]
    public void Every_git_grammar_refuses_option_like_values()
    {
        // One rule for every git subcommand: a grammar added without it would reopen the hole above.
        var grammars = typeof(GitInspection).GetFields(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
            .Where(field => field.FieldType == typeof(OptionGrammar))
            .Select(field => (field.Name, Grammar: (OptionGrammar)field.GetValue(null)!))
            .ToList();

        Assert.NotEmpty(grammars);
        Assert.All(grammars, grammar => Assert.True(grammar.Grammar.OptionLikeValuesRefused, grammar.Name));
    }
}
