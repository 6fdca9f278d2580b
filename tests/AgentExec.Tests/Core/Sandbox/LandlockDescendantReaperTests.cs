using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

public sealed class LandlockDescendantReaperTests
{
    [Theory]
    [InlineData("123 (bash) S 45 123 123 0 -1", 45)]
    [InlineData("123 (a) b) c) R 7 1 1", 7)]
    [InlineData("123 (with space) Z 9 1", 9)]
    public void The_parent_is_read_after_the_last_parenthesis(string stat, int parent)
    {
        Assert.Equal(parent, DescendantReaper.ParentOf(stat));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("1 (x)")]
    public void A_malformed_stat_line_has_no_parent(string stat)
    {
        Assert.Null(DescendantReaper.ParentOf(stat));
    }

    [Theory]
    [InlineData(0x0000, 0)]
    [InlineData(0x0700, 7)]
    [InlineData(0xFF00, 255)]
    [InlineData(0x0009, 137)]
    [InlineData(0x008F, 143)]
    public void Wait_statuses_become_shell_exit_codes(int status, int exitCode)
    {
        // 0x8F: SIGTERM (15) with the core-dump bit, which does not change the code.
        Assert.Equal(exitCode, DescendantReaper.ExitCode(status));
    }
}
