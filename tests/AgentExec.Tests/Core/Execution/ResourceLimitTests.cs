using AgentExec.Core.Approval;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Execution;

public sealed class ResourceLimitTests
{
    [Fact]
    public async Task The_user_config_limits_apply_to_the_command_and_everything_it_starts()
    {
        using var workspace = new TemporaryDirectory();
        var settings = PipelineFactory.Settings(workspace.Path, ApprovalPolicy.Never) with
        {
            Limits = new ResourceLimits(MaxProcesses: 4096, MaxMemoryBytes: 2L * 1024 * 1024 * 1024, MaxCpuSeconds: 30),
        };
        var pipeline = PipelineFactory.Create(settings);

        var result = await pipeline.ExecuteAsync(Request(workspace.Path, "ulimit -u; ulimit -v; bash -c 'ulimit -t'"), NobodyToAsk.Instance, null, CancellationToken.None);

        Assert.Equal(ShellStatus.Completed, result.Status);
        Assert.Equal("4096\n2097152\n30\n", result.Stdout.Text);
    }

    [Fact]
    public async Task The_command_line_is_passed_to_the_limited_shell_as_data_not_spliced_into_its_script()
    {
        using var workspace = new TemporaryDirectory();
        var settings = PipelineFactory.Settings(workspace.Path, ApprovalPolicy.Never) with { Limits = new ResourceLimits(null, null, 60) };
        var pipeline = PipelineFactory.Create(settings);

        var result = await pipeline.ExecuteAsync(Request(workspace.Path, "echo \"$1\" '\"$0\"'; exit 3"), NobodyToAsk.Instance, null, CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(" \"$0\"\n", result.Stdout.Text);
    }

    [Fact]
    public void Without_limits_the_command_runs_as_plain_bash_c()
    {
        Assert.Equal([TrustedShell.Path, "-c", "ls"], ResourceLimitCommand.Argv("ls", ResourceLimits.None));
        Assert.StartsWith("/", TrustedShell.Path, StringComparison.Ordinal);
    }

    private static ExecRequest Request(string workdir, string command) =>
        new(command, workdir, TimeSpan.FromSeconds(30), null, EscalationKind.None, "limits-test");
}
