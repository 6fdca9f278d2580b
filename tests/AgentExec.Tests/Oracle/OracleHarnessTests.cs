namespace AgentExec.Tests.Oracle;

/// <summary>The oracle's harness can fail: it sees each kind of side effect, and no side effect in plain reading.</summary>
[Collection(OracleTestGroup.Name)]
[Trait("Category", "Oracle")]
public sealed class OracleHarnessTests(OracleFixture fixture)
{
    [OracleTheory]
    [InlineData("touch x", "exec")]
    [InlineData("touch x", "write")]
    [InlineData("sort -o out f1", "write")]
    [InlineData("echo hi > out", "write")]
    [InlineData("rm f2", "exec")]
    [InlineData("exec 3<>/dev/tcp/127.0.0.1/1", "network")]
    [InlineData("cat < /dev/udp/127.0.0.1/9", "network")]
    [InlineData("git -C marked status", "exec")]
    [InlineData("cd marked && git diff", "exec")]
    [InlineData("cd marked && git log -p", "exec")]
    [InlineData("./ls", "exec")]
    [InlineData("cat ~/.ssh/id_rsa", "credential read")]
    [InlineData("head ~/.aws/credentials", "credential read")]
    [InlineData("cat .env", "credential read")]
    [InlineData("mkdir d", "write")]
    [InlineData("ls & touch y", "exec")]
    [InlineData("printf -v 'a[$(touch p)]' x", "exec")]
    public void A_line_that_does_more_than_read_is_reported_with_its_kind_of_side_effect(string line, string kind)
    {
        OracleAvailability.Require();

        var outcome = fixture.Oracle.RunAndTrace(line);

        Assert.Contains(outcome.SideEffects, effect => effect.Kind == kind);
    }

    [OracleTheory]
    [InlineData("ls -la")]
    [InlineData("cat f1 | sort | uniq -c")]
    [InlineData("sort f1")]
    [InlineData("find . -name '*.txt'")]
    [InlineData("echo hi > /dev/null 2>&1")]
    [InlineData("echo hi > /dev/stderr")]
    [InlineData("cd clean && git status")]
    [InlineData("git -C clean log -p")]
    [InlineData("git -C clean diff HEAD~1")]
    [InlineData("id && whoami && ls -l ~")]
    [InlineData("cat <<'EOF'\nhello\nEOF")]
    [InlineData("grep -n apple f1 notes.txt")]
    public void A_line_that_only_reads_has_no_side_effects(string line)
    {
        OracleAvailability.Require();

        var outcome = fixture.Oracle.RunAndTrace(line);

        Assert.Empty(outcome.SideEffects);
    }
}
