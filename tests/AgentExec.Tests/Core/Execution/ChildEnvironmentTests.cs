using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

public sealed class ChildEnvironmentTests
{
    private static readonly Dictionary<string, string> NoSettings = [];

    [Theory]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("USER")]
    [InlineData("LOGNAME")]
    [InlineData("SHELL")]
    [InlineData("LANG")]
    [InlineData("LANGUAGE")]
    [InlineData("LC_ALL")]
    [InlineData("LC_CTYPE")]
    [InlineData("TERM")]
    [InlineData("TZ")]
    [InlineData("PWD")]
    [InlineData("TMPDIR")]
    public void An_allow_listed_host_variable_passes(string name)
    {
        // Arrange
        var host = new Dictionary<string, string> { ["PATH"] = "/bin", [name] = "value" };

        // Act
        var child = ChildEnvironment.Build(host, EnvironmentSettings.Default);

        // Assert
        Assert.Equal("value", child[name]);
    }

    [Theory]
    [InlineData("SSH_AUTH_SOCK")]
    [InlineData("XDG_RUNTIME_DIR")]
    [InlineData("EDITOR")]
    [InlineData("Path")]
    [InlineData("home")]
    [InlineData("LC")]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("BASH_ENV")]
    [InlineData("ENV")]
    [InlineData("LD_PRELOAD")]
    [InlineData("LD_LIBRARY_PATH")]
    public void A_host_variable_off_the_allow_list_is_removed(string name)
    {
        // Arrange
        var host = new Dictionary<string, string> { ["PATH"] = "/bin", [name] = "value" };

        // Act
        var composed = ChildEnvironment.Compose(host, EnvironmentSettings.Default);

        // Assert
        Assert.False(composed.Variables.ContainsKey(name));
        Assert.Contains(name, composed.RemovedNames);
    }

    [Theory]
    [InlineData("LC_TOKEN")]
    [InlineData("LC_api_key")]
    [InlineData("LC_SECRET_SAUCE")]
    [InlineData("LC_PASSWORD")]
    [InlineData("LC_CREDENTIALS")]
    public void A_secret_looking_name_does_not_pass_through_an_allow_list_pattern(string name)
    {
        // Arrange
        var host = new Dictionary<string, string> { ["PATH"] = "/bin", [name] = "value" };

        // Act
        var child = ChildEnvironment.Build(host, EnvironmentSettings.Default);

        // Assert
        Assert.False(child.ContainsKey(name));
    }

    [Theory]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("LC_TOKEN")]
    [InlineData("BASH_ENV")]
    [InlineData("LD_PRELOAD")]
    [InlineData("EDITOR")]
    public void Keep_passes_a_variable_it_names_exactly(string name)
    {
        // Arrange
        var host = new Dictionary<string, string> { ["PATH"] = "/bin", [name] = "value" };
        var settings = new EnvironmentSettings([name], NoSettings);

        // Act
        var composed = ChildEnvironment.Compose(host, settings);

        // Assert
        Assert.Equal("value", composed.Variables[name]);
        Assert.DoesNotContain(name, composed.RemovedNames);
    }

    [Fact]
    public void Keep_matches_names_exactly_not_ignoring_case_or_as_a_pattern()
    {
        // Arrange
        var host = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "sk-1",
            ["OPENAI_API_KEY_2"] = "sk-2",
            ["PATH"] = "/bin",
        };
        var settings = new EnvironmentSettings(["openai_api_key", "OPENAI_*"], NoSettings);

        // Act
        var composed = ChildEnvironment.Compose(host, settings);

        // Assert
        Assert.Equal(new Dictionary<string, string> { ["PATH"] = "/bin", ["DOTNET_EnableDiagnostics"] = "0" }, composed.Variables);
        Assert.Equal(["OPENAI_API_KEY", "OPENAI_API_KEY_2"], composed.RemovedNames);
    }

    [Fact]
    public void Set_adds_and_overrides_after_the_allow_list()
    {
        // Arrange
        var host = new Dictionary<string, string> { ["PATH"] = "/bin", ["LANG"] = "de_DE.UTF-8", ["GITHUB_TOKEN"] = "ghp" };
        var settings = new EnvironmentSettings([], new Dictionary<string, string> { ["LANG"] = "C.UTF-8", ["CI"] = "1" });

        // Act
        var composed = ChildEnvironment.Compose(host, settings);

        // Assert
        Assert.Equal(new Dictionary<string, string> { ["PATH"] = "/bin", ["LANG"] = "C.UTF-8", ["CI"] = "1", ["DOTNET_EnableDiagnostics"] = "0" }, composed.Variables);
        Assert.Equal(["GITHUB_TOKEN"], composed.RemovedNames);
    }

    [Fact]
    public void Diagnostics_are_off_in_every_child_and_neither_keep_nor_set_turns_them_on()
    {
        // Arrange: a .NET child with diagnostics on (the JIT-hosted Landlock launcher above all) opens a socket a
        // command could use to read its memory or make it load a library.
        var host = new Dictionary<string, string> { ["PATH"] = "/bin", ["DOTNET_EnableDiagnostics"] = "1" };
        var settings = new EnvironmentSettings(["DOTNET_EnableDiagnostics"], new Dictionary<string, string> { ["DOTNET_EnableDiagnostics"] = "1" });

        // Act
        var composed = ChildEnvironment.Compose(host, settings);

        // Assert
        Assert.Equal("0", composed.Variables["DOTNET_EnableDiagnostics"]);
        Assert.Equal("0", ChildEnvironment.Compose(new Dictionary<string, string>(), new EnvironmentSettings([], NoSettings)).Variables["DOTNET_EnableDiagnostics"]);
    }

    [Fact]
    public void A_host_value_replaced_by_set_is_still_reported_as_removed_when_it_was_withheld()
    {
        // Arrange
        var host = new Dictionary<string, string> { ["PATH"] = "/bin", ["NPM_TOKEN"] = "npm_secret" };
        var settings = new EnvironmentSettings([], new Dictionary<string, string> { ["NPM_TOKEN"] = "placeholder" });

        // Act
        var composed = ChildEnvironment.Compose(host, settings);

        // Assert
        Assert.Equal("placeholder", composed.Variables["NPM_TOKEN"]);
        Assert.Equal(["NPM_TOKEN"], composed.RemovedNames);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_or_empty_host_path_becomes_the_default_path(string? hostPath)
    {
        // Arrange
        var host = new Dictionary<string, string> { ["HOME"] = "/home/u" };
        if (hostPath is not null)
        {
            host["PATH"] = hostPath;
        }

        // Act
        var child = ChildEnvironment.Build(host, EnvironmentSettings.Default);

        // Assert
        Assert.Equal("/usr/local/bin:/usr/bin:/bin", child["PATH"]);
    }

    [Fact]
    public void A_path_from_set_wins_over_the_default()
    {
        // Arrange
        var settings = new EnvironmentSettings([], new Dictionary<string, string> { ["PATH"] = "/opt/tools/bin" });

        // Act
        var child = ChildEnvironment.Build(new Dictionary<string, string>(), settings);

        // Assert
        Assert.Equal("/opt/tools/bin", child["PATH"]);
    }

    [Fact]
    public void Removed_names_lists_exactly_the_withheld_host_variables_in_ordinal_order()
    {
        // Arrange
        var host = new Dictionary<string, string>
        {
            ["PATH"] = "/bin",
            ["ZSH_THEME"] = "x",
            ["AWS_SECRET_ACCESS_KEY"] = "a",
            ["HOME"] = "/home/u",
            ["kept"] = "k",
        };
        var settings = new EnvironmentSettings(["kept"], NoSettings);

        // Act
        var removed = ChildEnvironment.RemovedNames(host, settings);

        // Assert
        Assert.Equal(["AWS_SECRET_ACCESS_KEY", "ZSH_THEME"], removed);
    }

    [Theory]
    [InlineData("github_token", true)]
    [InlineData("MyPassword", true)]
    [InlineData("AWS_SECRET_ACCESS_KEY", true)]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS", true)]
    [InlineData("MONKEY_BUSINESS", true)]
    [InlineData("LD_AUDIT", true)]
    [InlineData("BASH_ENV", true)]
    [InlineData("ENV", true)]
    [InlineData("ENVIRONMENT", false)]
    [InlineData("LANG", false)]
    [InlineData("LC_ALL", false)]
    public void Sensitive_names_are_recognised_in_any_case(string name, bool sensitive)
    {
        Assert.Equal(sensitive, ChildEnvironment.IsSensitive(name));
    }
}
