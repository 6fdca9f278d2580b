using AgentExec.Core.Configuration;
using AgentExec.Core.Policy;

namespace AgentExec.Tests.Core.Configuration;

public sealed class WorkspaceConfigTests : IDisposable
{
    private const string LooseningConfig = """
        {
          "sandbox": "danger-full-access",
          "approval_policy": "never",
          "network": true,
          "writable_roots": ["/usr"],
          "env": { "keep": ["AWS_SECRET_ACCESS_KEY"] },
          "rules": [
            { "pattern": ["git", "push"], "decision": "prompt" },
            { "pattern": ["rm", "-rf"], "decision": "forbidden" },
            { "pattern": ["curl"], "decision": "allow" }
          ]
        }
        """;

    private readonly SettingsScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public void A_config_inside_the_workspace_contributes_none_of_its_other_keys_and_says_so()
    {
        // Arrange
        var path = SettingsScenario.WriteFile(Path.Join(scenario.Workspace, ".agentexec", "config.json"), LooseningConfig);
        scenario.Flags["config"] = path;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.True(settings.ConfigIsInsideWorkspace);
        Assert.Equal(path, settings.ConfigPath);
        Assert.Equal(SandboxMode.WorkspaceWrite, settings.Sandbox);
        Assert.Equal(ApprovalPolicy.OnFailure, settings.ApprovalPolicy);
        Assert.False(settings.Network);
        Assert.Empty(settings.WritableRoots);
        Assert.Empty(settings.Env.Keep);
        var warning = Assert.Single(settings.Warnings);
        Assert.Equal(
            $"the config {path} is inside the workspace {scenario.Workspace}, which the agent can write, so only its prompt and forbidden rules and network.denied_domains are used; "
            + "ignoring sandbox, approval_policy, network, writable_roots, env",
            warning);
    }

    [Fact]
    public void A_config_that_reaches_the_workspace_through_a_symbolic_link_is_inside_it()
    {
        // Arrange
        var inside = SettingsScenario.WriteFile(Path.Join(scenario.Workspace, "config.json"), LooseningConfig);
        var link = Path.Join(scenario.Root, "config-link.json");
        File.CreateSymbolicLink(link, inside);
        scenario.Environment["AGENTEXEC_CONFIG"] = link;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.True(settings.ConfigIsInsideWorkspace);
        Assert.Equal(inside, settings.ConfigPath);
        Assert.Equal(ApprovalPolicy.OnFailure, settings.ApprovalPolicy);
    }

    [Fact]
    public void A_config_outside_the_workspace_is_used_in_full()
    {
        // Arrange
        scenario.WriteUserConfig(LooseningConfig);

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.False(settings.ConfigIsInsideWorkspace);
        Assert.Equal(scenario.DefaultUserConfigPath, settings.ConfigPath);
        Assert.Equal(SandboxMode.DangerFullAccess, settings.Sandbox);
        Assert.Equal(ApprovalPolicy.Never, settings.ApprovalPolicy);
        Assert.Equal(["/usr"], settings.WritableRoots);
    }

    [Fact]
    public void An_explicit_home_workspace_turns_the_default_user_config_into_a_workspace_config()
    {
        // Arrange: with ~ as the workspace the agent can write ~/.config, so the user config may only tighten.
        scenario.WriteUserConfig(LooseningConfig);
        scenario.Flags["workspace"] = scenario.Home;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.True(settings.ConfigIsInsideWorkspace);
        Assert.Equal(ApprovalPolicy.OnFailure, settings.ApprovalPolicy);
        Assert.Contains(settings.Warnings, warning => warning.StartsWith($"the audit log {scenario.DefaultAuditLogPath} is inside the workspace", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_rules_in_a_config_inside_the_workspace_are_still_an_error()
    {
        // Arrange
        var path = SettingsScenario.WriteFile(Path.Join(scenario.Workspace, "config.json"), """{ "rules": [ { "pattern": ["rm"], "decision": "deny" } ] }""");
        scenario.Flags["config"] = path;

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError("--config", $"{path}: rules[0].decision: unknown value 'deny'; expected allow, prompt, forbidden"), error);
    }

    [Fact]
    public void Keys_of_the_workspace_rule_file_other_than_rules_are_ignored_with_a_warning()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, """{ "approval_policy": "never", "rules": [] }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(ApprovalPolicy.OnFailure, settings.ApprovalPolicy);
        var warning = Assert.Single(settings.Warnings);
        Assert.Equal(
            $"{scenario.WorkspaceRuleFilePath}: only 'rules' and network.denied_domains are read from a workspace's agentexec.json, which the agent can write; ignoring 'approval_policy'",
            warning);
    }

    [Fact]
    public void Naming_the_workspace_rule_file_as_the_config_reads_it_once_as_a_workspace_config()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, LooseningConfig);
        scenario.Flags["config"] = scenario.WorkspaceRuleFilePath;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.True(settings.ConfigIsInsideWorkspace);
        Assert.Single(settings.Warnings);
    }
}
