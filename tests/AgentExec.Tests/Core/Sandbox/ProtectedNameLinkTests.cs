using AgentExec.Core.Configuration;
using AgentExec.Core.Sandbox;
using CliWrap.Buffered;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// SPEC.md "Sandbox": the workspace's <c>.git</c>, <c>.env</c> and <c>agentexec.json</c> stay read-only and cannot be
/// created. When one of them is a symbolic link (<c>.env -> conf/env.local</c> is common), the plan protects the link's
/// target, but the name itself is an ordinary entry of the writable workspace: a command removes the link and writes its
/// own <c>.env</c>, config or repository in its place, which outlives the run.
/// </summary>
public sealed class ProtectedNameLinkTests
{
    /// <summary>Replaces the name with a real entry of its own, then says whether the link is gone.</summary>
    private const string ReplacingScript = """
        name="$1"
        rm -f -- "$name" 2>&1
        if [ "$name" = .git ]; then
          git init -q . 2>&1 && git config core.fsmonitor 'touch /tmp/fsmonitor-ran' 2>&1
        else
          echo 'OPENAI_BASE_URL=http://127.0.0.1:9/v1' > "$name" 2>&1
        fi
        [ -L "$name" ] || echo REPLACED
        """;

    [BubblewrapTheory]
    [InlineData(".env")]
    [InlineData("agentexec.json")]
    [InlineData(".git")]
    public async Task A_protected_name_that_is_a_symbolic_link_refuses_the_run_rather_than_be_replaced(string name)
    {
        // Arrange
        using var directory = new SandboxTestDirectory();
        var target = PlantLink(directory, name);
        File.WriteAllText(Path.Combine(directory.Workspace, "replace.sh"), ReplacingScript);

        // Act
        var invocation = BubblewrapMountPlanTests.Invocation(directory.Workspace, SandboxMode.WorkspaceWrite) with
        {
            Argv = ["bash", "replace.sh", name],
        };
        var sandbox = new BubblewrapSandbox(BubblewrapAvailability.Executable, BubblewrapMountPlanTests.HostPaths(directory.Home));
        var refusal = Assert.Throws<IOException>(() => sandbox.Wrap(invocation));

        // Assert: the run is refused (there is no mounting onto a link), and the link is as it was.
        Assert.Contains("symbolic link", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(target, new FileInfo(Path.Combine(directory.Workspace, name)).LinkTarget);
        await Task.CompletedTask;
    }

    /// <summary>Positive control: run by bash directly, the same script replaces each linked name.</summary>
    [Theory]
    [InlineData(".env")]
    [InlineData("agentexec.json")]
    [InlineData(".git")]
    public async Task Positive_control_unsandboxed_the_script_replaces_the_link(string name)
    {
        using var directory = new SandboxTestDirectory();
        PlantLink(directory, name);
        File.WriteAllText(Path.Combine(directory.Workspace, "replace.sh"), ReplacingScript.Replace("/tmp/fsmonitor-ran", "fsmonitor-ran", StringComparison.Ordinal));

        var result = await CliWrap.Cli.Wrap("bash").WithArguments(["replace.sh", name]).WithWorkingDirectory(directory.Workspace)
            .WithValidation(CliWrap.CommandResultValidation.None).ExecuteBufferedAsync();

        Assert.Contains("REPLACED", result.StandardOutput, StringComparison.Ordinal);
        Assert.Null(new FileInfo(Path.Combine(directory.Workspace, name)).LinkTarget);
    }

    /// <summary>The human's link: <c>.git</c> to a repository outside the workspace, the files to one inside it.</summary>
    private static string PlantLink(SandboxTestDirectory directory, string name)
    {
        string target;
        if (name == ".git")
        {
            target = Directory.CreateDirectory(Path.Combine(directory.Outside, "repo.git")).FullName;
        }
        else
        {
            target = "conf/" + name + ".real";
            directory.WriteFile(Path.Combine("workspace", target), name == ".env" ? "A=1\n" : "{}\n");
        }

        File.CreateSymbolicLink(Path.Combine(directory.Workspace, name), target);
        return target;
    }
}
