using AgentExec.Core.Commands;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Commands;

/// <summary>
/// git lines judged known-safe that read a credential where no sandbox hides it (<c>danger-full-access</c>, Landlock):
/// each found by an attack, each against a real repository made by real git (SPEC.md "Policy", step 3a).
/// </summary>
public sealed class GitCredentialReadTests : IDisposable
{
    private readonly ProofMachine machine = new();

    public GitCredentialReadTests()
    {
        File.WriteAllText(Path.Combine(machine.Home, ".netrc"), "machine example.com login u password SECRET");
    }

    private string Key => Path.Combine(machine.Home, ".ssh", "id_rsa");

    private string Netrc => Path.Combine(machine.Home, ".netrc");

    private string GitDirectory => Path.Combine(machine.Workspace, ".git");

    public void Dispose() => machine.Dispose();

    [Theory]
    [InlineData("git log --remerge-diff", "--remerge-diff")]
    [InlineData("git log --remerge", "--remerge")]
    [InlineData("git show --remerge-diff HEAD", "--remerge-diff")]
    [InlineData("git log --diff-merges=remerge", "remerge")]
    [InlineData("git log --diff-merges=r", "remerge")]
    [InlineData("git log --diff-merges remerge", "remerge")]
    [InlineData("git log -Oorder -p", "-O")]
    [InlineData("git diff -O order", "-O")]
    public void Git_options_that_write_objects_or_read_an_order_file_are_refused(string line, string named)
    {
        // --remerge-diff writes objects into .git/objects/tmp_objdir-remerge-diff-*; -O reads a file of patterns.
        var analysis = machine.Analyze(line);

        Assert.False(KnownSafeJudge.IsKnownSafe(analysis));
        Assert.Contains(analysis.Parts, part => part.Program == "git" && part.Reason.Contains(named, StringComparison.Ordinal));
    }

    private void InitRepository()
    {
        HostCommand.Git(machine.Workspace, "init", "-q", ".");
        HostCommand.Git(machine.Workspace, "add", "README.md", "a.c");
        HostCommand.Git(machine.Workspace, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "first");
    }
}
