using AgentExec.Core.Execution;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

public sealed class SandboxDenialRuleLandlockTests
{
    [Theory]
    [InlineData("touch: cannot touch '/etc/x': Permission denied")]
    [InlineData("rm: cannot remove 'x': Operation not permitted")]
    [InlineData("mkdir: cannot create directory '/usr/x': Read-only file system")]
    [InlineData("PermissionError: [Errno 13] Permission denied: '/etc/x'")]
    [InlineData("Error: EACCES: permission denied, open '/etc/x'")]
    [InlineData("Error: EROFS: read-only file system, open '/etc/x'")]
    [InlineData("agentexec landlock: this kernel has no Landlock. Nothing was run.")]
    public void A_failed_run_with_a_denial_signature_on_stderr_looks_denied(string stderr)
    {
        Assert.True(SandboxDenialRule.LooksDenied(Result(1, stderr)));
    }

    [Theory]
    [InlineData(0, "Permission denied")]
    [InlineData(2, "grep: x: No such file or directory")]
    [InlineData(1, "")]
    public void Successful_runs_and_other_failures_do_not(int exitCode, string stderr)
    {
        Assert.False(SandboxDenialRule.LooksDenied(Result(exitCode, stderr)));
    }

    [Fact]
    public void A_run_that_did_not_exit_does_not()
    {
        var result = new ExecutionResult(ExecutionOutcome.TimedOut, null, CapturedOutput.Empty, new CapturedOutput("Permission denied", 17, false), TimeSpan.Zero, null);
        Assert.False(SandboxDenialRule.LooksDenied(result));
    }

    private static ExecutionResult Result(int exitCode, string stderr) =>
        new(ExecutionOutcome.Exited, exitCode, CapturedOutput.Empty, new CapturedOutput(stderr, stderr.Length, false), TimeSpan.Zero, null);
}
