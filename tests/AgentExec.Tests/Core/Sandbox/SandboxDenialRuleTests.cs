using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>The small rule that decides whether a failure looks like the sandbox's doing (and so offers a retry without it).</summary>
public sealed class SandboxDenialRuleTests
{
    [Theory]
    [InlineData("touch: cannot touch '/etc/x': Read-only file system\n")]
    [InlineData("bash: /etc/x: Permission denied\n")]
    [InlineData("mount: /: permission denied.\n")]
    [InlineData("chown: changing ownership of 'x': Operation not permitted\n")]
    [InlineData("Error: EACCES: permission denied, open '/etc/x'\n")]
    [InlineData("OSError: [Errno 30] Read-only file system: '/usr/lib/x'\n")]
    [InlineData("npm ERR! code EROFS\n")]
    [InlineData("failed: EPERM\n")]
    [InlineData("bwrap: Can't chdir to /tmp/x: No such file or directory\n")]
    [InlineData("compiling…\nbwrap: execvp bash: No such file or directory\n")]
    public void A_failure_with_a_denial_signature_looks_denied(string stderr)
    {
        Assert.True(SandboxDenialRule.LooksDenied(Exited(1, stderr: stderr)));
    }

    [Fact]
    public void The_signature_counts_on_stdout_too()
    {
        Assert.True(SandboxDenialRule.LooksDenied(Exited(2, stdout: "cp: cannot create regular file '/usr/x': Read-only file system\n")));
    }

    [Theory]
    [InlineData("cat: x: No such file or directory\n")]
    [InlineData("curl: (7) Failed to connect to 127.0.0.1 port 80: Connection refused\n")]
    [InlineData("SLEEPERMODE is not set\n")]
    [InlineData("test failed: expected 1, got 2\n")]
    [InlineData("  bwrap: indented, so not bubblewrap's own line\n")]
    public void A_failure_without_a_denial_signature_does_not_look_denied(string stderr)
    {
        Assert.False(SandboxDenialRule.LooksDenied(Exited(1, stderr: stderr)));
    }

    [Fact]
    public void A_success_never_looks_denied_whatever_it_printed()
    {
        Assert.False(SandboxDenialRule.LooksDenied(Exited(0, stderr: "find: '/root/x': Permission denied\n")));
    }

    [Theory]
    [InlineData(ExecutionOutcome.TimedOut)]
    [InlineData(ExecutionOutcome.Cancelled)]
    [InlineData(ExecutionOutcome.FailedToStart)]
    public void A_run_that_did_not_exit_by_itself_is_not_a_sandbox_denial(ExecutionOutcome outcome)
    {
        var result = Exited(1, stderr: "Permission denied\n") with { Outcome = outcome, ExitCode = null };

        Assert.False(SandboxDenialRule.LooksDenied(result));
    }

    private static ExecutionResult Exited(int exitCode, string stdout = "", string stderr = "") =>
        new(ExecutionOutcome.Exited, exitCode, Captured(stdout), Captured(stderr), TimeSpan.FromMilliseconds(5), null);

    private static CapturedOutput Captured(string text) => new(text, System.Text.Encoding.UTF8.GetByteCount(text), false);
}
