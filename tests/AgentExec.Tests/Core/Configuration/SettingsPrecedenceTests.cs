using AgentExec.Core.Configuration;

namespace AgentExec.Tests.Core.Configuration;

public sealed class SettingsPrecedenceTests : IDisposable
{
    private readonly SettingsScenario scenario = new();

    /// <summary>
    /// For several keys: a config value, an environment value and a flag value, and what each layer should yield.
    /// Each layer's value differs from the default and from the others, so the winner is unambiguous.
    /// </summary>
    public static TheoryData<string, string, string, string, Func<AgentExecSettings, object>, object, object, object> Layers => new()
    {
        {
            "approval_policy", "\"untrusted\"", "on-request", "never",
            settings => settings.ApprovalPolicy, ApprovalPolicy.Untrusted, ApprovalPolicy.OnRequest, ApprovalPolicy.Never
        },
        {
            "sandbox", "\"read-only\"", "danger-full-access", "workspace-write",
            settings => settings.Sandbox, SandboxMode.ReadOnly, SandboxMode.DangerFullAccess, SandboxMode.WorkspaceWrite
        },
        {
            "sandbox_backend", "\"landlock\"", "bubblewrap", "auto",
            settings => settings.SandboxBackend, SandboxBackendPreference.Landlock, SandboxBackendPreference.Bubblewrap, SandboxBackendPreference.Auto
        },
        {
            "approval_timeout_ms", "1000", "2000", "3000",
            settings => settings.ApprovalTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)
        },
        {
            "assessment_timeout_ms", "100", "200", "300",
            settings => settings.AssessmentTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300)
        },
        {
            "network", "true", "false", "true",
            settings => settings.Network, true, false, true
        },
        {
            "experimental_sandbox_command_assessment", "true", "0", "true",
            settings => settings.ExperimentalSandboxCommandAssessment, true, false, true
        },
    };

    public void Dispose() => scenario.Dispose();

    [Fact]
    public void Defaults_apply_when_no_layer_sets_a_key()
    {
        // Arrange: no flags, no AGENTEXEC_* variables, no config file.

        // Act
        var settings = scenario.ResolveSettings();

        // Assert: the SPEC's defaults.
        Assert.Equal(scenario.Workspace, settings.Workspace);
        Assert.Equal(SandboxMode.WorkspaceWrite, settings.Sandbox);
        Assert.Equal(ApprovalPolicy.OnFailure, settings.ApprovalPolicy);
        Assert.Equal(SandboxBackendPreference.Auto, settings.SandboxBackend);
        Assert.False(settings.Network);
        Assert.Equal(TimeSpan.FromMilliseconds(300_000), settings.ApprovalTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(5_000), settings.AssessmentTimeout);
        Assert.False(settings.ExperimentalSandboxCommandAssessment);
        Assert.Equal(scenario.DefaultAuditLogPath, settings.AuditLogPath);
        Assert.False(settings.ConfigIsInsideWorkspace);
        Assert.Empty(settings.WritableRoots);
        Assert.Empty(settings.Env.Keep);
        Assert.Empty(settings.Env.Set);
        Assert.Equal(ResourceLimits.None, settings.Limits);
        Assert.Empty(settings.Warnings);
        Assert.Null(settings.ConfigPath);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_config_value_beats_the_default(
        string key, string configJson, string environmentValue, string flagValue,
        Func<AgentExecSettings, object> read, object fromConfig, object fromEnvironment, object fromFlag)
    {
        // Arrange
        _ = (environmentValue, flagValue, fromEnvironment, fromFlag);
        scenario.WriteUserConfig($$"""{ "{{key}}": {{configJson}} }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(fromConfig, read(settings));
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void An_environment_variable_beats_the_config(
        string key, string configJson, string environmentValue, string flagValue,
        Func<AgentExecSettings, object> read, object fromConfig, object fromEnvironment, object fromFlag)
    {
        // Arrange
        _ = (flagValue, fromConfig, fromFlag);
        scenario.WriteUserConfig($$"""{ "{{key}}": {{configJson}} }""");
        scenario.Environment[SettingKeys.EnvironmentVariable(key)] = environmentValue;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(fromEnvironment, read(settings));
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_flag_beats_the_environment_and_the_config(
        string key, string configJson, string environmentValue, string flagValue,
        Func<AgentExecSettings, object> read, object fromConfig, object fromEnvironment, object fromFlag)
    {
        // Arrange
        _ = (fromConfig, fromEnvironment);
        scenario.WriteUserConfig($$"""{ "{{key}}": {{configJson}} }""");
        scenario.Environment[SettingKeys.EnvironmentVariable(key)] = environmentValue;
        scenario.Flags[key] = flagValue;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(fromFlag, read(settings));
    }

    [Fact]
    public void An_empty_environment_variable_counts_as_unset()
    {
        // Arrange
        scenario.WriteUserConfig("""{ "approval_policy": "never" }""");
        scenario.Environment["AGENTEXEC_APPROVAL_POLICY"] = "";

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(ApprovalPolicy.Never, settings.ApprovalPolicy);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    public void A_boolean_environment_variable_accepts_true_false_1_and_0(string value, bool expected)
    {
        // Arrange
        scenario.WriteUserConfig($$"""{ "network": {{(!expected ? "true" : "false")}} }""");
        scenario.Environment["AGENTEXEC_NETWORK"] = value;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(expected, settings.Network);
    }

    [Fact]
    public void A_workspace_flag_beats_the_environment_and_the_config()
    {
        // Arrange
        var fromConfig = SettingsScenario.CreateDirectory(Path.Join(scenario.Root, "from-config"));
        var fromEnvironment = SettingsScenario.CreateDirectory(Path.Join(scenario.Root, "from-environment"));
        var fromFlag = SettingsScenario.CreateDirectory(Path.Join(scenario.Root, "from-flag"));
        scenario.WriteUserConfig($$"""{ "workspace": "{{fromConfig}}" }""");
        scenario.Environment["AGENTEXEC_WORKSPACE"] = fromEnvironment;
        scenario.Flags["workspace"] = fromFlag;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(fromFlag, settings.Workspace);
    }

    [Fact]
    public void An_audit_log_from_the_environment_beats_the_config()
    {
        // Arrange
        var fromConfig = Path.Join(scenario.Root, "config-audit.jsonl");
        var fromEnvironment = Path.Join(scenario.Root, "environment-audit.jsonl");
        scenario.WriteUserConfig($$"""{ "audit_log": "{{fromConfig}}" }""");
        scenario.Environment["AGENTEXEC_AUDIT_LOG"] = fromEnvironment;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(fromEnvironment, settings.AuditLogPath);
    }
}
