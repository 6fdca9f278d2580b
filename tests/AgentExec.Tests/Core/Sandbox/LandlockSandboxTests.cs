using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

public sealed class LandlockSandboxTests
{
    private static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" };

    private readonly LandlockSandbox _sandbox = new(["/opt/agentexec/agentexec"]);

    [Fact]
    public void Workspace_write_wraps_the_command_with_the_workspace_the_writable_roots_and_a_fresh_tmpdir()
    {
        // Act
        var wrapped = _sandbox.Wrap(Invocation(SandboxMode.WorkspaceWrite, network: false));

        // Assert
        var temporaryDirectory = wrapped.Argv[7];
        try
        {
            Assert.Equal(
                ["/opt/agentexec/agentexec", "__landlock-exec", "--write", "/ws", "--write", "/extra", "--tmpdir", temporaryDirectory, "--", "bash", "-c", "echo hi"],
                wrapped.Argv);
            Assert.True(Directory.Exists(temporaryDirectory));
            Assert.Same(Environment, wrapped.Environment);
        }
        finally
        {
            wrapped.Cleanup!();
        }

        Assert.False(Directory.Exists(temporaryDirectory), "Cleanup left the temporary directory.");
    }

    [Fact]
    public void Read_only_grants_no_writable_path_and_needs_no_cleanup()
    {
        // Act
        var wrapped = _sandbox.Wrap(Invocation(SandboxMode.ReadOnly, network: true));

        // Assert
        Assert.Equal(["/opt/agentexec/agentexec", "__landlock-exec", "--allow-network", "--", "bash", "-c", "echo hi"], wrapped.Argv);
        Assert.Null(wrapped.Cleanup);
    }

    [Fact]
    public void The_launcher_can_be_started_through_the_dotnet_host()
    {
        // Act
        var wrapped = new LandlockSandbox(["dotnet", "/opt/agentexec/agentexec.dll"]).Wrap(Invocation(SandboxMode.ReadOnly, network: false));

        // Assert
        Assert.Equal(["dotnet", "/opt/agentexec/agentexec.dll", "__landlock-exec", "--", "bash", "-c", "echo hi"], wrapped.Argv);
    }

    [Fact]
    public void Danger_full_access_is_not_wrapped()
    {
        Assert.Throws<ArgumentException>(() => _sandbox.Wrap(Invocation(SandboxMode.DangerFullAccess, network: false)));
    }

    [Fact]
    public void An_empty_launcher_command_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new LandlockSandbox([]));
        Assert.Throws<ArgumentException>(() => new LandlockSandbox(["dotnet", ""]));
    }

    [Fact]
    public void The_backend_is_landlock()
    {
        Assert.Equal(SandboxBackendKind.Landlock, _sandbox.Backend);
    }

    [Fact]
    public void Under_the_test_host_the_current_process_is_not_a_launcher()
    {
        // The test host is not agentexec, so tests must name the launcher; the product finds itself.
        Assert.Null(LandlockSandbox.ForCurrentProcess());
    }

    [Fact]
    public void A_failed_run_with_a_denial_on_stderr_looks_denied()
    {
        Assert.True(_sandbox.LooksDenied(Result(1, "touch: cannot touch '/etc/x': Permission denied\n")));
        Assert.False(_sandbox.LooksDenied(Result(0, "Permission denied\n")));
        Assert.False(_sandbox.LooksDenied(Result(1, "no such file\n")));
    }

    private static ExecutionResult Result(int exitCode, string stderr) =>
        new(ExecutionOutcome.Exited, exitCode, CapturedOutput.Empty, new CapturedOutput(stderr, stderr.Length, false), TimeSpan.Zero, null);

    private static SandboxInvocation Invocation(SandboxMode mode, bool network) =>
        new(["bash", "-c", "echo hi"], "/ws", mode, "/ws", ["/extra"], network, Environment);
}
