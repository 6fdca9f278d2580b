using System.Text.Json;
using System.Text.Json.Nodes;
using AgentExec.Core.Audit;
using AgentExec.Tests.Mcp.Support;

namespace AgentExec.Tests.Mcp;

/// <summary>
/// Nested repositories under bubblewrap, through the real server and SDK client (issue 10, item 4): an existing
/// <c>sub/.git</c> is read-only like the workspace's own, and a repository created during the run whose configuration
/// names a program is reported in the result, the audit log and (tested in the CLI) the terminal.
/// </summary>
public sealed class SandboxRepositoryTests
{
    private const string PlantScript = """
        printf '[core]\n\tfsmonitor = touch FSMONITOR-RAN\n' >> sub/.git/config && echo CONFIG-WRITTEN || echo CONFIG-REFUSED
        printf '#!/bin/sh\ntouch HOOK-RAN\n' > sub/.git/hooks/post-checkout && echo HOOK-WRITTEN || echo HOOK-REFUSED
        echo plain > sub/plain.txt && echo FILE-WRITTEN
        echo DONE
        """;

    [BubblewrapFact]
    public async Task An_existing_nested_repository_is_read_only_while_the_rest_of_its_folder_stays_writable()
    {
        // Arrange: a real repository one level down.
        using var scenario = new SandboxScenario();
        var sub = Directory.CreateDirectory(Path.Combine(scenario.Workspace, "sub")).FullName;
        HostCommand.Git(sub, "init", "-q");
        var config = Path.Combine(sub, ".git", "config");
        var configBefore = File.ReadAllText(config);
        var command = scenario.Script("plant.sh", PlantScript);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command);

        // Assert: the .git writes failed, the plain file did not.
        var stdout = Field(result, "stdout");
        Assert.Equal(("completed", "bubblewrap"), (Field(result, "status"), Field(result, "sandbox_backend")));
        Assert.Equal("CONFIG-REFUSED\nHOOK-REFUSED\nFILE-WRITTEN\nDONE\n", stdout);
        Assert.Equal(configBefore, File.ReadAllText(config));
        Assert.False(File.Exists(Path.Combine(sub, ".git", "hooks", "post-checkout")));
        Assert.Equal("plain\n", File.ReadAllText(Path.Combine(sub, "plain.txt")));
    }

    [BubblewrapFact]
    public void Positive_control_the_same_script_run_with_bash_directly_plants_the_config_and_the_hook()
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var sub = Directory.CreateDirectory(Path.Combine(scenario.Workspace, "sub")).FullName;
        HostCommand.Git(sub, "init", "-q");
        scenario.Script("plant.sh", PlantScript);

        // Act
        var (exitCode, stdout, _) = HostCommand.Run(scenario.Workspace, "bash", "plant.sh");

        // Assert: the probe reaches its target when nothing protects it.
        Assert.Equal(0, exitCode);
        Assert.Equal("CONFIG-WRITTEN\nHOOK-WRITTEN\nFILE-WRITTEN\nDONE\n", stdout);
        Assert.Equal("touch FSMONITOR-RAN\n", HostCommand.Git(sub, "config", "core.fsmonitor"));
    }

    [BubblewrapFact]
    public async Task A_repository_created_during_the_run_with_an_fsmonitor_is_reported_in_the_result_and_the_audit_log()
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var command = scenario.Script("init.sh", """
            mkdir new && cd new && git init -q && git config core.fsmonitor 'touch FSMONITOR-RAN' && echo DONE
            """);

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command);

        // Assert: the run itself completed, and the message names the repository and the key (never the value).
        Assert.Equal(("completed", "DONE\n"), (Field(result, "status"), Field(result, "stdout")));
        var message = Field(result, "message");
        Assert.Contains("new/.git (new repository): config sets core.fsmonitor", message, StringComparison.Ordinal);
        Assert.DoesNotContain("touch", message, StringComparison.Ordinal);
        var finished = scenario.Audit.Events.Single(e => e.Name == AuditEventNames.ExecutionFinished);
        var change = Assert.Single(finished.Fields["repository_changes"]!.AsArray())!;
        Assert.Equal((Path.Combine(scenario.Workspace, "new", ".git"), "config sets core.fsmonitor", true), ((string)change["git"]!, (string)change["change"]!, (bool)change["new_repository"]!));

        // What the report is about: the human's next git status there runs the program, outside any sandbox.
        var newRepository = Path.Combine(scenario.Workspace, "new");
        HostCommand.Run(newRepository, "git", "status");
        Assert.True(File.Exists(Path.Combine(newRepository, "FSMONITOR-RAN")));
    }

    [BubblewrapFact]
    public async Task A_run_that_touches_no_repository_reports_nothing()
    {
        // Arrange: the control for the report itself, with a nested repository present and untouched.
        using var scenario = new SandboxScenario();
        var sub = Directory.CreateDirectory(Path.Combine(scenario.Workspace, "sub")).FullName;
        HostCommand.Git(sub, "init", "-q");
        var command = scenario.Script("plain.sh", "echo x > sub/x.txt; mkdir other; echo DONE");

        // Act
        var result = await scenario.CallAsync(scenario.Settings(), command);

        // Assert
        Assert.Equal(("completed", "DONE\n"), (Field(result, "status"), Field(result, "stdout")));
        Assert.Equal(JsonValueKind.Null, result.TryGetProperty("message", out var message) ? message.ValueKind : JsonValueKind.Null);
        var finished = scenario.Audit.Events.Single(e => e.Name == AuditEventNames.ExecutionFinished);
        Assert.False(finished.Fields.ContainsKey("repository_changes"));
    }

    private static string Field(JsonElement result, string name) =>
        ShellScenario.Field(result, name) ?? string.Empty;
}
