using AgentExec.Core.Configuration;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// The server's own <c>$TMPDIR</c> in the bubblewrap mount plan: hidden like <c>/tmp</c>, except when it is the
/// workspace or a writable root (plain file-system fixtures; the real bwrap is exercised in <see cref="DiagnosticsEscapeTests"/>).
/// </summary>
public sealed class BubblewrapServerTemporaryDirectoryTests
{
    [Fact]
    public void The_servers_temporary_directory_is_hidden_writable_under_workspace_write_and_read_only_under_read_only()
    {
        using var directory = new SandboxTestDirectory();
        var serverTemporary = Directory.CreateDirectory(Path.Combine(directory.Outside, "server-tmp")).FullName;
        var host = BubblewrapMountPlanTests.HostPaths("/nonexistent-home") with { TemporaryDirectory = serverTemporary };

        var writable = BubblewrapMountPlan.Create(BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), host).ToArguments();
        var readOnly = BubblewrapMountPlan.Create(BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.ReadOnly), host).ToArguments();

        Assert.True(BubblewrapMountPlanTests.IndexOf(writable, "--tmpfs", serverTemporary) >= 0, "The server's TMPDIR is not hidden.");
        Assert.True(BubblewrapMountPlanTests.IndexOf(writable, "--remount-ro", serverTemporary) < 0);
        Assert.True(BubblewrapMountPlanTests.IndexOf(readOnly, "--remount-ro", serverTemporary) >= 0);
    }

    [Fact]
    public void A_temporary_directory_that_is_the_workspace_or_a_writable_root_is_left_to_the_command()
    {
        using var directory = new SandboxTestDirectory();
        var root = Directory.CreateDirectory(Path.Combine(directory.Outside, "root")).FullName;

        foreach (var serverTemporary in (string[])[directory.Workspace, root])
        {
            var host = BubblewrapMountPlanTests.HostPaths("/nonexistent-home") with { TemporaryDirectory = serverTemporary };
            var arguments = BubblewrapMountPlan.Create(BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite, [root]), host).ToArguments();

            Assert.True(BubblewrapMountPlanTests.IndexOf(arguments, "--tmpfs", serverTemporary) < 0, $"{serverTemporary} was hidden.");
            Assert.True(BubblewrapMountPlanTests.IndexOf(arguments, "--bind", serverTemporary, serverTemporary) >= 0);
        }
    }

    [Fact]
    public void A_workspace_inside_the_temporary_directory_stays_visible()
    {
        using var directory = new SandboxTestDirectory();
        var host = BubblewrapMountPlanTests.HostPaths("/nonexistent-home") with { TemporaryDirectory = directory.Root };

        var arguments = BubblewrapMountPlan.Create(BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite), host).ToArguments();

        Assert.True(
            BubblewrapMountPlanTests.IndexOf(arguments, "--bind", directory.Workspace, directory.Workspace)
            > BubblewrapMountPlanTests.IndexOf(arguments, "--tmpfs", directory.Root));
    }

    [Fact]
    public void From_takes_the_servers_TMPDIR()
    {
        var settings = new AgentExec.Core.Configuration.AgentExecSettings { Workspace = "/nonexistent-workspace", AuditLogPath = "/nonexistent/audit.jsonl" };

        var paths = SandboxHostPaths.From(settings, new Dictionary<string, string> { ["TMPDIR"] = "/var/tmp/server" });

        Assert.Equal("/var/tmp/server", paths.TemporaryDirectory);
        Assert.Null(SandboxHostPaths.From(settings, new Dictionary<string, string> { ["TMPDIR"] = "relative" }).TemporaryDirectory);
    }
}
