
namespace AgentExec.Tests.Core.Configuration;

public sealed class CredentialPathsSettingTests : IDisposable
{
    private readonly SettingsScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public void Credential_paths_are_read_as_written_without_duplicates()
    {
        // Arrange
        scenario.WriteUserConfig("""{ "credential_paths": ["~/.vault-token", "/srv/secrets/", "*.p8", "~/.vault-token"] }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(["~/.vault-token", "/srv/secrets/", "*.p8"], settings.CredentialPaths);
    }

    [Fact]
    public void Without_the_key_only_the_built_in_list_applies()
    {
        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Empty(settings.CredentialPaths);
    }

    [Theory]
    [InlineData("\"~/.ssh\"", "expected an array of paths and name patterns, got a string")]
    [InlineData("[1]", "key 'credential_paths[0]': expected a string (an absolute path, a ~/ path or a file name pattern), got a number")]
    [InlineData("[\"*.p8\", \"\"]", "key 'credential_paths[1]': the entry is empty")]
    [InlineData("[\"secrets/token\"]", "key 'credential_paths[0]': 'secrets/token' is a relative path; write an absolute path, a ~/ path, or a bare file name pattern without a slash")]
    [InlineData("[\"~user/.token\"]", "key 'credential_paths[0]': '~user/.token' is a relative path")]
    [InlineData("[\"~/\"]", "key 'credential_paths[0]': '~/' names the whole home directory; name something inside it")]
    [InlineData("[\"..\"]", "key 'credential_paths[0]': '..' is not a name pattern")]
    public void A_bad_credential_paths_value_is_an_error_naming_the_key(string value, string expected)
    {
        // Arrange
        var path = scenario.WriteUserConfig($$"""{ "credential_paths": {{value}} }""");

        // Act
        var resolution = scenario.Resolve();

        // Assert
        Assert.False(resolution.Succeeded);
        Assert.Equal("--config", resolution.Error!.Option);
        Assert.StartsWith($"{path}, key 'credential_paths", resolution.Error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, resolution.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_paths_in_a_workspace_config_are_ignored_with_a_warning()
    {
        // Arrange
        var path = SettingsScenario.WriteFile(Path.Join(scenario.Workspace, "agentexec.json"), """{ "credential_paths": ["*.p8"] }""");
        scenario.Flags["config"] = path;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Empty(settings.CredentialPaths);
        Assert.EndsWith("ignoring credential_paths", Assert.Single(settings.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_paths_cannot_be_given_as_a_flag()
    {
        // Arrange
        scenario.Flags["credential_paths"] = "*.p8";

        // Act
        var resolution = scenario.Resolve();

        // Assert
        Assert.Equal("--credential-paths", resolution.Error!.Option);
        Assert.Equal("'credential_paths' can only be set in the user config file", resolution.Error.Message);
    }
}
