using AgentExec.Core.Configuration;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>How the settings reach the sandbox's credential list.</summary>
public sealed class SandboxHostPathsTests
{
    [Fact]
    public void The_credential_list_carries_credential_paths_the_home_the_user_config_its_folder_and_the_audit_log()
    {
        // Arrange
        var settings = new AgentExecSettings
        {
            Workspace = "/w",
            AuditLogPath = "/state/agentexec/audit.jsonl",
            ConfigPath = "/cfg/agentexec/config.json",
            CredentialPaths = ["*.p8", "~/.vault-token"],
        };
        var environment = new Dictionary<string, string> { ["HOME"] = "/home/u", ["XDG_CONFIG_HOME"] = "/xdg" };

        // Act
        var credentials = SandboxHostPaths.From(settings, environment).Credentials!;

        // Assert
        Assert.Equal(["*.p8", "~/.vault-token"], credentials.ExtraEntries);
        string[] covered = ["/w/k.p8", "/home/u/.vault-token", "/home/u/.ssh/id_rsa", "/cfg/agentexec/config.json", "/xdg/agentexec/rules.json", "/state/agentexec/audit.jsonl"];
        Assert.All(covered, path => Assert.True(credentials.Covers(path), path));
        Assert.False(credentials.Covers("/state/agentexec/other"));
    }

    [Fact]
    public void A_config_inside_the_workspace_is_the_agents_own_file_and_not_a_credential()
    {
        // Arrange
        var settings = new AgentExecSettings
        {
            Workspace = "/w",
            AuditLogPath = "/state/audit.jsonl",
            ConfigPath = "/w/rules.json",
            ConfigIsInsideWorkspace = true,
        };

        // Act
        var credentials = SandboxHostPaths.From(settings, new Dictionary<string, string>()).Credentials!;

        // Assert
        Assert.False(credentials.Covers("/w/rules.json"));
    }

    [Fact]
    public void Every_place_git_reads_a_global_configuration_from_is_kept_read_only()
    {
        // Arrange: git reads ~/.gitconfig, $XDG_CONFIG_HOME/git/config (else ~/.config/git/config) and $GIT_CONFIG_GLOBAL.
        var settings = new AgentExecSettings { Workspace = "/w", AuditLogPath = "/state/audit.jsonl" };
        var environment = new Dictionary<string, string> { ["HOME"] = "/home/u", ["XDG_CONFIG_HOME"] = "/xdg", ["GIT_CONFIG_GLOBAL"] = "/etc/team.gitconfig" };

        // Act
        var paths = SandboxHostPaths.From(settings, environment).GitGlobalConfigs;

        // Assert
        Assert.Equal(["/home/u/.gitconfig", "/home/u/.config/git/config", "/xdg/git/config", "/etc/team.gitconfig"], paths);
    }
}
