
namespace AgentExec.Tests.Core.Configuration;

public sealed class AssessmentPromptSettingTests : IDisposable
{
    private const string ValidTemplate = "Judge the command.\n---\nThe command: {{command_joined}}\n";

    private readonly SettingsScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public void Without_the_key_the_built_in_template_is_used()
    {
        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Null(settings.AssessmentPromptPath);
    }

    [Fact]
    public void A_template_named_by_the_user_config_is_resolved_from_the_configs_directory()
    {
        // Arrange
        var template = SettingsScenario.WriteFile(Path.Join(scenario.Home, ".config", "agentexec", "prompt.md"), ValidTemplate);
        scenario.WriteUserConfig("""{ "assessment_prompt": "prompt.md" }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(template, settings.AssessmentPromptPath);
    }

    [Fact]
    public void A_broken_template_stops_start_up_naming_the_file_and_the_problem()
    {
        // Arrange
        var template = SettingsScenario.WriteFile(Path.Join(scenario.Root, "prompt.md"), "no separator {{command_joined}}");
        var config = scenario.WriteUserConfig($$"""{ "assessment_prompt": "{{template}}" }""");

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal("--config", error.Option);
        Assert.Equal($"{config}, key 'assessment_prompt': {template} is not a valid assessment template: it has no line '---' separating the system part from the user part", error.Message);
    }

    [Fact]
    public void A_missing_template_stops_start_up()
    {
        // Arrange
        var missing = Path.Join(scenario.Root, "absent.md");
        scenario.WriteUserConfig($$"""{ "assessment_prompt": "{{missing}}" }""");

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.EndsWith($"{missing} does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_inside_the_workspace_is_refused_because_the_agent_could_rewrite_it()
    {
        // Arrange
        var template = SettingsScenario.WriteFile(Path.Join(scenario.Workspace, "prompt.md"), ValidTemplate);
        scenario.WriteUserConfig($$"""{ "assessment_prompt": "{{template}}" }""");

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Contains("is inside the workspace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_inside_a_writable_root_is_refused_because_the_agent_could_rewrite_it()
    {
        // Found in a review: only the workspace was checked, and a writable root is the agent's to write as well.
        var root = Directory.CreateDirectory(Path.Join(scenario.Root, "cache")).FullName;
        var template = SettingsScenario.WriteFile(Path.Join(root, "prompt.md"), ValidTemplate);
        scenario.WriteUserConfig($$"""{ "writable_roots": ["{{root}}"], "assessment_prompt": "{{template}}" }""");

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Contains($"{template} is inside the writable root {root}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workspace_config_cannot_choose_the_template()
    {
        // Arrange
        var template = SettingsScenario.WriteFile(Path.Join(scenario.Root, "prompt.md"), ValidTemplate);
        var config = SettingsScenario.WriteFile(Path.Join(scenario.Workspace, "my-config.json"), $$"""{ "assessment_prompt": "{{template}}" }""");
        scenario.Flags["config"] = config;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Null(settings.AssessmentPromptPath);
        Assert.Contains(settings.Warnings, w => w.Contains("ignoring assessment_prompt", StringComparison.Ordinal));
    }

    [Fact]
    public void The_key_is_not_a_flag()
    {
        // Arrange
        scenario.Flags["assessment_prompt"] = "/x.md";

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal("'assessment_prompt' can only be set in the user config file", error.Message);
    }
}
