using AgentExec.Core.Commands;
using AgentExec.Core.Credentials;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Commands;

/// <summary>
/// A recursive reader (grep -r, rg) under a sandbox that hides no credential: every directory it will read below — named
/// literally, reached through a pathname pattern, or the working directory it searches when it names none — counts,
/// however the recursion was spelled.
/// </summary>
public sealed class RecursiveReaderCredentialTests : IDisposable
{
    private readonly ProofMachine machine = new();

    public RecursiveReaderCredentialTests()
    {
        // The attacker's workspace: a credential one level down, and a link to the home, whose key and .netrc grep -r
        // follows when the link is named on its command line (a pattern's matches are).
        Directory.CreateDirectory(Path.Combine(machine.Workspace, "sub"));
        File.WriteAllText(Path.Combine(machine.Workspace, "sub", ".env"), "API_KEY=SECRET_ENV");
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine x password SECRET");
    }

    public void Dispose() => machine.Dispose();

    [Theory]
    // Found by an attack: each of these printed sub/.env with no question, while "grep -r SECRET sub" asked.
    [InlineData("grep -r SECRET *")]
    [InlineData("grep -r SECRET s*")]
    [InlineData("grep -r SECRET ./s*")]
    [InlineData("grep -r SECRET s?b")]
    [InlineData("rg SECRET s*")]
    [InlineData("grep -r SECRET sub")]
    public void A_pattern_that_expands_to_a_directory_holding_a_credential_is_a_credential_read(string line)
    {
        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.Contains(analysis.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    // Found by an attack: with h -> the home in the workspace, each printed ~/.ssh/id_rsa and ~/.netrc.
    [InlineData("grep -r SECRET ./*")]
    [InlineData("grep -r SECRET *")]
    [InlineData("grep -r SECRET h*")]
    [InlineData("grep -r SECRET ?")]
    [InlineData("grep -r SECRET [h]")]
    public void A_pattern_that_expands_to_a_link_to_the_home_is_a_credential_read(string line)
    {
        Directory.Delete(Path.Combine(machine.Workspace, "sub"), recursive: true);
        File.CreateSymbolicLink(Path.Combine(machine.Workspace, "h"), machine.Home);

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.Contains(analysis.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Fact]
    public void A_read_below_a_wildcard_credential_location_with_more_matches_than_can_be_listed_is_a_credential_read()
    {
        // Found in a review: with credential_paths ["DIR/*/token"] and 20,100 folders in DIR, the matches past the
        // listing bound (20,000 entries) were never seen, and grep -r of a late folder printed its token with no question.
        var many = Directory.CreateDirectory(Path.Combine(machine.Home, "many")).FullName;
        for (var i = 0; i < 20_010; i++)
        {
            Directory.CreateDirectory(Path.Combine(many, $"d{i}"));
        }

        var late = Directory.EnumerateDirectories(many).Last();
        File.WriteAllText(Path.Combine(late, "token"), "SECRET");
        var context = new AnalysisContext(machine.Workspace, machine.Home, machine.Bin, [machine.Workspace], CredentialList.For(machine.Home, [$"{many}/*/token"]), CredentialsHidden: false) { SharedDirectories = [] };

        var analysis = CommandAnalyzer.Analyze($"grep -r SECRET {late}", context);

        var part = Assert.Single(analysis.Parts);
        Assert.Equal(CommandSafety.Dangerous, part.Safety);
        Assert.Contains("has more matches than can be listed", part.Reason, StringComparison.Ordinal);
    }

    [Theory]
    // The directory part is itself a pattern: not expanded, so assumed to reach one.
    [InlineData("grep -r SECRET */x")]
    [InlineData("grep -r SECRET s*/*")]
    public void A_pattern_whose_directory_part_is_a_pattern_is_assumed_to_reach_a_credential(string line)
    {
        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.Contains(analysis.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    // bash's defaults: * matches no leading dot, so a dotted directory holding a credential is not reached by *.
    [InlineData("grep -rn TODO src/*.cs")]
    [InlineData("grep -rn TODO *")]
    [InlineData("grep -rn TODO s*")]
    public void A_pattern_that_expands_only_to_clean_directories_or_files_stays_known_safe(string line)
    {
        Directory.Delete(Path.Combine(machine.Workspace, "sub"), recursive: true);
        Directory.CreateDirectory(Path.Combine(machine.Workspace, ".hidden"));
        File.WriteAllText(Path.Combine(machine.Workspace, ".hidden", ".env"), "API_KEY=SECRET_ENV");
        File.WriteAllText(Path.Combine(machine.Workspace, "src", "a.cs"), "// TODO");

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.True(KnownSafeJudge.IsKnownSafe(analysis), string.Join("; ", analysis.Parts.Select(part => part.Reason)));
    }

    [Fact]
    public void A_dotted_pattern_reaches_a_dotted_directory()
    {
        Directory.Delete(Path.Combine(machine.Workspace, "sub"), recursive: true);
        Directory.CreateDirectory(Path.Combine(machine.Workspace, ".hidden"));
        File.WriteAllText(Path.Combine(machine.Workspace, ".hidden", ".env"), "API_KEY=SECRET_ENV");

        var analysis = machine.Analyze("grep -r SECRET .h*", credentialsHidden: false);

        Assert.Contains(analysis.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    // Found by an attack: spellings of recursion the word matching did not see, each printed sub/.env.
    [InlineData("grep --dir=recurse SECRET sub")]
    [InlineData("grep --directories recurse SECRET sub")]
    [InlineData("grep --recur SECRET sub")]
    [InlineData("grep --r SECRET sub")]
    [InlineData("grep -id recurse SECRET sub")]
    [InlineData("grep -idrecurse SECRET sub")]
    [InlineData("grep -ir SECRET sub")]
    [InlineData("egrep -r SECRET sub")]
    // No operand: a recursive grep searches ".".
    [InlineData("grep -d recurse SECRET")]
    [InlineData("grep --dir=recurse SECRET")]
    [InlineData("grep -r -e SECRET")]
    // The pattern given by -e (in a cluster too), so every word is a file.
    [InlineData("grep -rie SECRET sub")]
    [InlineData("grep -r -eSECRET sub")]
    [InlineData("grep -r --regexp SECRET sub")]
    [InlineData("grep -r --reg=SECRET sub")]
    [InlineData("grep -r -e x SECRET sub")]
    // Options after the operands are still options (grep permutes).
    [InlineData("grep SECRET sub -r")]
    // An option this reading does not know: assumed to read recursively.
    [InlineData("grep --no-such-option SECRET sub")]
    public void Every_spelling_of_grep_recursion_is_seen(string line)
    {
        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.Contains(analysis.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("grep SECRET *")]
    [InlineData("grep SECRET -*")]
    public void A_pattern_that_expands_to_a_recursion_option_is_a_recursive_read(string line)
    {
        // bash hands grep the file name "-r" as a word, and grep reads it as its option.
        File.WriteAllText(Path.Combine(machine.Workspace, "-r"), string.Empty);

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.Contains(analysis.Parts, part => part.Safety == CommandSafety.Dangerous);
    }

    [Theory]
    [InlineData("grep -d skip SECRET sub")]
    [InlineData("grep --directories=read SECRET README.md")]
    [InlineData("grep -A 2 -e SECRET README.md")]
    [InlineData("grep -m1 sub README.md")]
    [InlineData("grep -C 3 SECRET README.md")]
    [InlineData("grep --color=never SECRET README.md")]
    [InlineData("grep -rn --include=*.cs TODO src")]
    [InlineData("grep -r -- -x src")]
    [InlineData("grep -rf README.md src")]
    public void A_grep_that_does_not_recurse_into_the_credential_is_no_credential_read(string line)
    {
        File.WriteAllText(Path.Combine(machine.Workspace, "src", "a.cs"), "// TODO");

        var analysis = machine.Analyze(line, credentialsHidden: false);

        Assert.DoesNotContain(analysis.Parts, part => part.Safety == CommandSafety.Dangerous);
    }
}
