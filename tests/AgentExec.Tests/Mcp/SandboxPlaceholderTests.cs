using System.Text.Json;
using AgentExec.Tests.Mcp.Support;
using CliWrap;
using CliWrap.Buffered;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// Issue 10's planted-repository escape, through the real server and SDK client on the real bubblewrap: in a workspace
/// that has no <c>.git</c>, <c>.env</c> or <c>agentexec.json</c>, a command cannot create them, and the workspace is left
/// as it was, so the human's own <c>git init</c> works afterwards.
/// </summary>
public sealed class SandboxPlaceholderTests
{
    /// <summary>Every way the probe tries to make the three names exist.</summary>
    private const string PlantingScript = """
        git init -q . 2>&1 | tail -1
        git init -q --separate-git-dir=../elsewhere . 2>&1 | tail -1
        mkdir .git 2>&1; echo x > .git 2>&1
        ln -s hooks .git 2>&1; mkdir -p planted/.git && mv planted/.git .git 2>&1
        echo 'OPENAI_BASE_URL=http://127.0.0.1:9/v1' > .env 2>&1; ln -s /etc/hostname .env 2>&1
        echo '{"rules":[]}' > agentexec.json 2>&1; chmod 644 agentexec.json 2>&1
        if [ -e .git/HEAD ] || [ -L .git ] || [ -f .git ]; then echo "PLANTED .git"; fi
        for name in .env agentexec.json; do
          if [ -s "$name" ] || [ -L "$name" ]; then echo "PLANTED $name"; fi
        done
        echo DONE
        """;

    [BubblewrapFact]
    public async Task A_missing_git_env_or_workspace_config_cannot_be_created_and_nothing_is_left_behind()
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var command = scenario.Script("probe.sh", PlantingScript);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command);
        var left = Directory.EnumerateFileSystemEntries(scenario.Workspace).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var hostInit = await Git(scenario.Workspace, "init", "-q");

        // Assert
        Assert.Equal(("completed", "bubblewrap"), (Field(result, "status"), Field(result, "sandbox_backend")));
        Assert.EndsWith("DONE\n", Field(result, "stdout"), StringComparison.Ordinal);
        Assert.DoesNotContain("PLANTED", Field(result, "stdout"), StringComparison.Ordinal);
        Assert.Equal(["planted", "probe.sh"], left);
        Assert.Equal(0, hostInit.ExitCode);
        Assert.True(File.Exists(Path.Combine(scenario.Workspace, ".git", "HEAD")), "The human's git init after the run did not make a repository.");
    }

    [Fact]
    public async Task Positive_control_the_same_script_run_by_bash_directly_plants_all_three()
    {
        // Arrange
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.File("probe.sh"), PlantingScript);

        // Act
        var result = await CliWrap.Cli.Wrap("bash").WithArguments(["probe.sh"]).WithWorkingDirectory(directory.Path)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

        // Assert
        Assert.Contains("PLANTED .git", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("PLANTED .env", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("PLANTED agentexec.json", result.StandardOutput, StringComparison.Ordinal);
    }

    [BubblewrapFact]
    public async Task Parallel_calls_never_open_a_window_to_create_them_and_the_last_one_leaves_nothing()
    {
        // Arrange: calls that start and end at different times, each trying again and again while the others come and go.
        using var scenario = new SandboxScenario();
        var command = scenario.Script("probe.sh", """
            for attempt in 1 2 3 4 5 6 7 8 9 10; do
              git init -q . >/dev/null 2>&1; echo x > .env 2>/dev/null; echo '{}' > agentexec.json 2>/dev/null
              if [ -e .git/HEAD ] || [ -s .env ] || [ -s agentexec.json ]; then echo PLANTED; fi
              sleep 0.0$RANDOM
            done
            echo DONE
            """);
        var settings = scenario.Settings();

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async index =>
        {
            await Task.Delay(index * 40);
            return await scenario.CallAsync(settings, command);
        }));

        // Assert
        Assert.All(results, result => Assert.Equal("DONE\n", Field(result, "stdout")));
        Assert.Equal(["probe.sh"], Directory.EnumerateFileSystemEntries(scenario.Workspace).Select(Path.GetFileName));
    }

    private static async Task<BufferedCommandResult> Git(string directory, params string[] arguments) =>
        await CliWrap.Cli.Wrap("git").WithArguments(arguments).WithWorkingDirectory(directory)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

    private static string Field(JsonElement result, string name) => ShellScenario.Field(result, name) ?? string.Empty;
}
