
namespace AgentExec.Tests.Core.Configuration;

public sealed class WorkspaceResolutionTests : IDisposable
{
    private readonly SettingsScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public void The_current_directory_is_the_workspace_by_default()
    {
        // Arrange
        scenario.CurrentDirectory = scenario.Workspace;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(scenario.Workspace, settings.Workspace);
    }

    [Fact]
    public void A_current_directory_of_home_is_refused_when_the_workspace_is_not_set()
    {
        // Arrange
        scenario.CurrentDirectory = scenario.Home;

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal("--workspace", error.Option);
        Assert.Contains("your home directory", error.Message, StringComparison.Ordinal);
        Assert.Contains("pass --workspace DIR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_current_directory_of_root_is_refused_when_the_workspace_is_not_set()
    {
        // Arrange
        scenario.CurrentDirectory = "/";

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal("--workspace", error.Option);
        Assert.StartsWith("the current directory is /, which", error.Message, StringComparison.Ordinal);
        Assert.Contains("pass --workspace DIR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_current_directory_that_is_a_link_to_home_is_refused_too()
    {
        // Arrange
        var link = Path.Join(scenario.Root, "link-to-home");
        Directory.CreateSymbolicLink(link, scenario.Home);
        scenario.CurrentDirectory = link;

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal("--workspace", error.Option);
    }

    [Fact]
    public void Home_is_accepted_as_the_workspace_when_given_explicitly()
    {
        // Arrange
        scenario.CurrentDirectory = scenario.Home;
        scenario.Flags["workspace"] = scenario.Home;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(scenario.Home, settings.Workspace);
    }

    [Fact]
    public void Root_is_accepted_as_the_workspace_when_given_explicitly()
    {
        // Arrange
        scenario.CurrentDirectory = "/";
        scenario.Environment["AGENTEXEC_WORKSPACE"] = "/";
        scenario.Flags["audit_log"] = Path.Join(scenario.Root, "audit.jsonl");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal("/", settings.Workspace);
    }

    [Fact]
    public void The_workspace_is_made_absolute_against_the_current_directory_and_symbolic_links_are_resolved()
    {
        // Arrange
        var real = SettingsScenario.CreateDirectory(Path.Join(scenario.Root, "real-project"));
        Directory.CreateSymbolicLink(Path.Join(scenario.Workspace, "link"), real);
        scenario.Flags["workspace"] = "./link/../link";

        // Act
        var settings = scenario.ResolveSettings();

        // Assert: `..` applies after following the link, as the kernel does.
        Assert.Equal(real, settings.Workspace);
    }

    [Fact]
    public void A_relative_workspace_in_the_config_is_taken_from_the_config_file_directory()
    {
        // Arrange
        var configDirectory = Path.GetDirectoryName(scenario.DefaultUserConfigPath)!;
        var expected = SettingsScenario.CreateDirectory(Path.Join(configDirectory, "projects"));
        scenario.WriteUserConfig("""{ "workspace": "projects" }""");
        scenario.CurrentDirectory = scenario.Home;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(expected, settings.Workspace);
    }

    [Fact]
    public void A_tilde_in_a_config_path_means_the_home_directory()
    {
        // Arrange
        scenario.WriteUserConfig("""{ "workspace": "~/project" }""");
        scenario.CurrentDirectory = "/";

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(scenario.Workspace, settings.Workspace);
    }

    [Fact]
    public void A_config_cannot_name_a_workspace_that_contains_the_config()
    {
        // Arrange: ~/.config/agentexec/config.json naming ~ as the workspace.
        scenario.WriteUserConfig("""{ "workspace": "~" }""");

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal("--workspace", error.Option);
        Assert.Contains("cannot choose the workspace", error.Message, StringComparison.Ordinal);
    }
}
