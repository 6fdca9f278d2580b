using AgentExec.Core.Configuration;
using AgentExec.Core.Settings;

namespace AgentExec.Tests.Core.Configuration;

public sealed class ConfigLocationTests : IDisposable
{
    private readonly SettingsScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public void A_missing_default_config_file_is_fine()
    {
        // Arrange: nothing under ~/.config.

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Null(settings.ConfigPath);
        Assert.Empty(settings.Warnings);
    }

    [Fact]
    public void The_user_config_is_found_under_xdg_config_home()
    {
        // Arrange
        var configHome = SettingsScenario.CreateDirectory(Path.Join(scenario.Root, "xdg-config"));
        var path = SettingsScenario.WriteFile(Path.Join(configHome, "agentexec", "config.json"), """{ "approval_policy": "never" }""");
        scenario.WriteUserConfig("""{ "approval_policy": "untrusted" }""");
        scenario.Environment["XDG_CONFIG_HOME"] = configHome;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(path, settings.ConfigPath);
        Assert.Equal(ApprovalPolicy.Never, settings.ApprovalPolicy);
    }

    [Fact]
    public void The_user_config_defaults_to_dot_config_under_home()
    {
        // Arrange
        scenario.WriteUserConfig("""{ "approval_policy": "untrusted" }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(scenario.DefaultUserConfigPath, settings.ConfigPath);
    }

    [Theory]
    [InlineData("")]
    [InlineData("relative/config")]
    public void An_empty_or_relative_xdg_config_home_is_ignored_as_the_xdg_spec_says(string value)
    {
        // Arrange
        scenario.WriteUserConfig("""{ "approval_policy": "untrusted" }""");
        scenario.Environment["XDG_CONFIG_HOME"] = value;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(scenario.DefaultUserConfigPath, settings.ConfigPath);
    }

    [Fact]
    public void The_config_variable_beats_the_default_location()
    {
        // Arrange
        scenario.WriteUserConfig("""{ "approval_policy": "untrusted" }""");
        var path = SettingsScenario.WriteFile(Path.Join(scenario.Root, "other.json"), """{ "approval_policy": "never" }""");
        scenario.Environment["AGENTEXEC_CONFIG"] = path;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(path, settings.ConfigPath);
        Assert.Equal(ApprovalPolicy.Never, settings.ApprovalPolicy);
    }

    [Fact]
    public void The_config_flag_beats_the_config_variable()
    {
        // Arrange
        var fromVariable = SettingsScenario.WriteFile(Path.Join(scenario.Root, "variable.json"), """{ "approval_policy": "untrusted" }""");
        var fromFlag = SettingsScenario.WriteFile(Path.Join(scenario.Root, "flag.json"), """{ "approval_policy": "on-request" }""");
        scenario.Environment["AGENTEXEC_CONFIG"] = fromVariable;
        scenario.Flags["config"] = fromFlag;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(fromFlag, settings.ConfigPath);
        Assert.Equal(ApprovalPolicy.OnRequest, settings.ApprovalPolicy);
    }

    [Fact]
    public void The_config_path_is_reported_with_symbolic_links_resolved()
    {
        // Arrange: a dotfiles repository linked into ~/.config.
        var real = SettingsScenario.WriteFile(Path.Join(scenario.Root, "dotfiles", "agentexec.json"), "{}");
        Directory.CreateDirectory(Path.GetDirectoryName(scenario.DefaultUserConfigPath)!);
        File.CreateSymbolicLink(scenario.DefaultUserConfigPath, real);

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(real, settings.ConfigPath);
    }

    [Fact]
    public void A_default_config_that_is_a_broken_symbolic_link_is_an_error()
    {
        // Arrange
        Directory.CreateDirectory(Path.GetDirectoryName(scenario.DefaultUserConfigPath)!);
        File.CreateSymbolicLink(scenario.DefaultUserConfigPath, Path.Join(scenario.Root, "moved-dotfiles", "agentexec.json"));

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError("--config", $"{scenario.DefaultUserConfigPath} does not exist (a broken symbolic link?)"), error);
    }

    [Fact]
    public void The_audit_log_defaults_to_the_xdg_state_home()
    {
        // Arrange
        var stateHome = Path.Join(scenario.Root, "xdg-state");
        scenario.Environment["XDG_STATE_HOME"] = stateHome;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(Path.Join(stateHome, "agentexec", "audit.jsonl"), settings.AuditLogPath);
    }

    [Fact]
    public void The_audit_log_defaults_to_dot_local_state_under_home()
    {
        // Arrange: no XDG_STATE_HOME.

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(Path.Join(scenario.Home, ".local", "state", "agentexec", "audit.jsonl"), settings.AuditLogPath);
    }

    [Fact]
    public void The_audit_log_has_no_default_without_a_home_or_xdg_state_home()
    {
        // Arrange
        var input = new SettingsInput(new Dictionary<string, string>(), new Dictionary<string, string>(), scenario.Workspace, HomeDirectory: "");

        // Act
        var resolution = SettingsResolver.Resolve(input);

        // Assert
        Assert.Equal("--audit-log", resolution.Error?.Option);
    }

    [Fact]
    public void A_relative_audit_log_flag_is_taken_from_the_current_directory()
    {
        // Arrange
        scenario.CurrentDirectory = scenario.Root;
        scenario.Flags["audit_log"] = "logs/audit.jsonl";

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(Path.Join(scenario.Root, "logs", "audit.jsonl"), settings.AuditLogPath);
    }

    [Fact]
    public void An_audit_log_inside_a_writable_root_is_accepted_with_a_warning()
    {
        // Arrange: under Landlock a sandboxed command truncated such a log, and the next append started a chain that verified.
        var state = SettingsScenario.CreateDirectory(Path.Join(scenario.Root, "state"));
        scenario.WriteUserConfig($$"""{ "writable_roots": ["{{state}}"] }""");
        scenario.Flags["audit_log"] = Path.Join(state, "audit.jsonl");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        var warning = Assert.Single(settings.Warnings);
        Assert.StartsWith($"the audit log {Path.Join(state, "audit.jsonl")} is inside the writable root {state};", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void An_audit_log_inside_the_workspace_is_accepted_with_a_warning()
    {
        // Arrange
        scenario.Flags["audit_log"] = Path.Join(scenario.Workspace, "audit.jsonl");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        var warning = Assert.Single(settings.Warnings);
        Assert.StartsWith($"the audit log {Path.Join(scenario.Workspace, "audit.jsonl")} is inside the workspace", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_config_keys_are_warnings_not_errors()
    {
        // Arrange
        var path = scenario.WriteUserConfig("""{ "aproval_policy": "never", "config": "/elsewhere.json" }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(ApprovalPolicy.OnFailure, settings.ApprovalPolicy);
        Assert.Equal(
            [
                $"{path}: unknown key 'aproval_policy' ignored",
                $"{path}: key 'config' ignored; a config file cannot choose the config file (use --config or AGENTEXEC_CONFIG)",
            ],
            settings.Warnings);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_accepted_in_the_config()
    {
        // Arrange
        scenario.WriteUserConfig("""
            {
              // people edit this file by hand
              "approval_policy": "never",
            }
            """);

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(ApprovalPolicy.Never, settings.ApprovalPolicy);
    }
}
