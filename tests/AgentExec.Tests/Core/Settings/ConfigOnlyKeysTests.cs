using AgentExec.Core.Configuration;
using AgentExec.Tests.Core.Configuration;

namespace AgentExec.Tests.Core.Settings;

public sealed class ConfigOnlyKeysTests : IDisposable
{
    private readonly SettingsScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public void Writable_roots_are_read_and_a_missing_one_or_one_through_a_link_is_left_out_with_a_warning()
    {
        // Arrange
        var cache = SettingsScenario.CreateDirectory(Path.Join(scenario.Home, ".cache"));
        var real = SettingsScenario.CreateDirectory(Path.Join(scenario.Root, "real-build"));
        var link = Path.Join(scenario.Root, "build");
        Directory.CreateSymbolicLink(link, real);
        var missing = Path.Join(scenario.Root, "gone");
        var path = scenario.WriteUserConfig($$"""{ "writable_roots": ["~/.cache", "{{link}}", "{{missing}}", "{{real}}"] }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert: a link in a root's path would decide what becomes writable, and the agent can plant one wherever it
        // can write ("out -> .." in the workspace made the home writable at the next start, found by an attack).
        Assert.Equal([cache, real], settings.WritableRoots);
        Assert.Equal(
            [
                $"{path}, key 'writable_roots[1]': a symbolic link stands in {link} (it resolves to {real}); it is left out of the writable roots: write the real path",
                $"{path}, key 'writable_roots[2]': {missing} is missing; it is left out of the writable roots",
            ],
            settings.Warnings);
    }

    [Fact]
    public void A_writable_root_that_is_a_file_is_left_out_with_a_warning()
    {
        // Arrange
        var file = SettingsScenario.WriteFile(Path.Join(scenario.Root, "file"), "x");
        scenario.WriteUserConfig($$"""{ "writable_roots": ["{{file}}"] }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Empty(settings.WritableRoots);
        Assert.EndsWith("is not a directory; it is left out of the writable roots", Assert.Single(settings.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Env_keep_and_set_are_read()
    {
        // Arrange
        scenario.WriteUserConfig("""{ "env": { "keep": ["GITHUB_TOKEN", "GOPATH", "GOPATH"], "set": { "CI": "1", "EMPTY": "" } } }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(["GITHUB_TOKEN", "GOPATH"], settings.Env.Keep);
        Assert.Equal(new Dictionary<string, string> { ["CI"] = "1", ["EMPTY"] = "" }, settings.Env.Set);
    }

    [Fact]
    public void Limits_are_read_and_an_absent_or_null_limit_means_none()
    {
        // Arrange
        scenario.WriteUserConfig("""{ "limits": { "processes": 256, "memory_bytes": 2147483648, "cpu_seconds": null } }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(new ResourceLimits(256, 2_147_483_648, null), settings.Limits);
    }

    [Fact]
    public void Unknown_keys_inside_env_and_limits_are_warnings()
    {
        // Arrange
        var path = scenario.WriteUserConfig("""{ "env": { "pass": ["X"] }, "limits": { "memory": 1 } }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(
            [
                $"{path}, key 'env': unknown key 'pass' ignored; expected keep, set",
                $"{path}, key 'limits': unknown key 'memory' ignored; expected processes, memory_bytes, cpu_seconds",
            ],
            settings.Warnings);
    }

    [Fact]
    public void Telemetry_include_command_is_read_and_is_off_by_default()
    {
        // Arrange
        using var other = new SettingsScenario();
        scenario.WriteUserConfig("""{ "telemetry": { "include_command": true } }""");

        // Act
        var optedIn = scenario.ResolveSettings();
        var byDefault = other.ResolveSettings();

        // Assert
        Assert.Equal(new TelemetrySettings(IncludeCommand: true), optedIn.Telemetry);
        Assert.Equal(TelemetrySettings.Default, byDefault.Telemetry);
        Assert.False(byDefault.Telemetry.IncludeCommand);
    }

    [Fact]
    public void Telemetry_in_a_workspace_config_cannot_put_commands_on_spans()
    {
        // Arrange
        var path = SettingsScenario.WriteFile(Path.Join(scenario.Workspace, "agentexec.json"), """{ "telemetry": { "include_command": true } }""");
        scenario.Flags["config"] = path;

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.False(settings.Telemetry.IncludeCommand);
        Assert.EndsWith("ignoring telemetry", Assert.Single(settings.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_inside_telemetry_are_warnings()
    {
        // Arrange
        var path = scenario.WriteUserConfig("""{ "telemetry": { "include_output": true } }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.False(settings.Telemetry.IncludeCommand);
        Assert.Equal([$"{path}, key 'telemetry': unknown key 'include_output' ignored; expected include_command"], settings.Warnings);
    }
}
