using AgentExec.Core.Configuration;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

public sealed class LandlockProbeTests
{
    [Fact]
    public void Workspace_write_names_the_unprotected_paths_inside_the_workspace_and_the_readable_credentials()
    {
        // Act
        var caveats = new LandlockProbe(7, null).CaveatsFor(SandboxMode.WorkspaceWrite);

        // Assert
        Assert.Contains(caveats, caveat => caveat.Contains(".git", StringComparison.Ordinal) && caveat.Contains("agentexec.json", StringComparison.Ordinal) && caveat.Contains(".env", StringComparison.Ordinal));
        Assert.Contains(caveats, caveat => caveat.Contains("~/.ssh", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_only_has_no_writable_root_caveat_but_still_cannot_hide_credentials()
    {
        // Act
        var caveats = new LandlockProbe(7, null).CaveatsFor(SandboxMode.ReadOnly);

        // Assert
        Assert.DoesNotContain(caveats, caveat => caveat.Contains(".git", StringComparison.Ordinal));
        Assert.Contains(caveats, caveat => caveat.Contains("~/.ssh", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SandboxMode.ReadOnly)]
    [InlineData(SandboxMode.WorkspaceWrite)]
    public void Both_modes_say_that_the_mode_of_the_users_own_files_outside_the_roots_can_change(SandboxMode mode)
    {
        // An attack opened the audit log and its folder to everyone with chmod: seccomp cannot tell those files from
        // the workspace's, so the human is told.
        var caveats = new LandlockProbe(7, null).CaveatsFor(mode);

        Assert.Contains(caveats, caveat => caveat.Contains("chmod", StringComparison.Ordinal) && caveat.Contains("outside the writable roots", StringComparison.Ordinal)
            && caveat.Contains("audit log", StringComparison.Ordinal) && caveat.Contains("set-user-ID", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(2, true, true)]
    [InlineData(6, true, false)]
    [InlineData(9, false, false)]
    public void Older_abis_add_their_own_caveats(int abi, bool unixSockets, bool signals)
    {
        // Act
        var caveats = new LandlockProbe(abi, null).CaveatsFor(SandboxMode.ReadOnly);

        // Assert
        Assert.Equal(unixSockets, caveats.Any(caveat => caveat.Contains("Unix sockets by path", StringComparison.Ordinal)));
        Assert.Equal(signals, caveats.Any(caveat => caveat.Contains("signal other processes", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_unavailable_backend_or_no_sandbox_has_no_caveats()
    {
        Assert.Empty(new LandlockProbe(0, "no Landlock").CaveatsFor(SandboxMode.WorkspaceWrite));
        Assert.Empty(new LandlockProbe(7, null).CaveatsFor(SandboxMode.DangerFullAccess));
    }

    [Fact]
    public void The_reasons_for_missing_landlock_name_the_fix()
    {
        Assert.Contains("5.13", LandlockSupport.DescribeMissingLandlock(38), StringComparison.Ordinal);
        Assert.Contains("lsm=", LandlockSupport.DescribeMissingLandlock(95), StringComparison.Ordinal);
        Assert.Contains("apt-get install bubblewrap", LandlockSupport.DescribeMissingLandlock(38), StringComparison.Ordinal);
        Assert.Contains("apt-get install bubblewrap", LandlockSupport.DescribeMissingLandlock(95), StringComparison.Ordinal);
    }

    [LandlockFact]
    public void This_kernel_reports_its_abi()
    {
        // Act
        var probe = LandlockSupport.Probe();

        // Assert
        Assert.True(probe.IsAvailable);
        Assert.InRange(probe.Abi, 1, 100);
    }
}
