using AgentExec.Core.Configuration;

namespace AgentExec.Tests.Core.Configuration;

public sealed class SettingsValidationTests : IDisposable
{
    private readonly SettingsScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Theory]
    [InlineData("approval_policy", "sometimes", "--approval-policy", "unknown value 'sometimes'; expected untrusted, on-failure, on-request, never")]
    [InlineData("approval_policy", "Never", "--approval-policy", "unknown value 'Never'; expected untrusted, on-failure, on-request, never")]
    [InlineData("sandbox", "full", "--sandbox", "unknown value 'full'; expected read-only, workspace-write, danger-full-access")]
    [InlineData("sandbox_backend", "docker", "--sandbox-backend", "unknown value 'docker'; expected auto, bubblewrap, landlock")]
    [InlineData("network", "yes", "--network", "unknown value 'yes'; expected true, false, 1 or 0")]
    [InlineData("experimental_sandbox_command_assessment", "on", "--experimental-sandbox-command-assessment", "unknown value 'on'; expected true, false, 1 or 0")]
    [InlineData("approval_timeout_ms", "0", "--approval-timeout-ms", "0 is out of range; expected 1 to 86400000")]
    [InlineData("approval_timeout_ms", "86400001", "--approval-timeout-ms", "86400001 is out of range; expected 1 to 86400000")]
    [InlineData("approval_timeout_ms", "-5", "--approval-timeout-ms", "expected a whole number from 1 to 86400000, got '-5'")]
    [InlineData("approval_timeout_ms", "1.5", "--approval-timeout-ms", "expected a whole number from 1 to 86400000, got '1.5'")]
    [InlineData("approval_timeout_ms", "99999999999999999999", "--approval-timeout-ms", "expected a whole number from 1 to 86400000, got '99999999999999999999'")]
    [InlineData("assessment_timeout_ms", "0", "--assessment-timeout-ms", "0 is out of range; expected 1 to 600000")]
    [InlineData("assessment_timeout_ms", "600001", "--assessment-timeout-ms", "600001 is out of range; expected 1 to 600000")]
    [InlineData("assessment_timeout_ms", " 5", "--assessment-timeout-ms", "expected a whole number from 1 to 600000, got ' 5'")]
    [InlineData("sandbox", "", "--sandbox", "empty value")]
    public void A_bad_flag_value_is_an_error_naming_the_flag(string key, string value, string expectedOption, string expectedMessage)
    {
        // Arrange
        scenario.Flags[key] = value;

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError(expectedOption, expectedMessage), error);
    }

    [Fact]
    public void The_error_reads_as_one_line_with_the_flag_first()
    {
        // Arrange
        scenario.Flags["approval_policy"] = "sometimes";

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal("--approval-policy: unknown value 'sometimes'; expected untrusted, on-failure, on-request, never", error.ToString());
    }

    [Fact]
    public void A_bad_environment_value_is_an_error_naming_the_flag_and_the_variable()
    {
        // Arrange
        scenario.Environment["AGENTEXEC_APPROVAL_POLICY"] = "sometimes";

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(
            new SettingsError("--approval-policy", "AGENTEXEC_APPROVAL_POLICY: unknown value 'sometimes'; expected untrusted, on-failure, on-request, never"),
            error);
    }

    [Fact]
    public void A_bad_config_value_is_an_error_naming_the_flag_the_file_and_the_key()
    {
        // Arrange
        var path = scenario.WriteUserConfig("""{ "sandbox": "sometimes" }""");

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(
            new SettingsError("--sandbox", $"{path}, key 'sandbox': unknown value 'sometimes'; expected read-only, workspace-write, danger-full-access"),
            error);
    }

    [Theory]
    [InlineData("""{ "network": "yes" }""", "--network", "key 'network': expected true, false or an object {\"allowed_domains\": [...], \"denied_domains\": [...], \"upstream_proxy\": \"http://host:port\"}, got a string")]
    [InlineData("""{ "approval_timeout_ms": "1000" }""", "--approval-timeout-ms", "key 'approval_timeout_ms': expected a whole number from 1 to 86400000, got a string")]
    [InlineData("""{ "approval_timeout_ms": 1.5 }""", "--approval-timeout-ms", "key 'approval_timeout_ms': expected a whole number from 1 to 86400000, got 1.5")]
    [InlineData("""{ "approval_policy": 3 }""", "--approval-policy", "key 'approval_policy': expected a string, got a number")]
    [InlineData("""{ "audit_log": null }""", "--audit-log", "key 'audit_log': expected a string, got null")]
    [InlineData("""{ "rules": {} }""", "--config", "rules: expected an array, got an object")]
    [InlineData("""{ "rules": [ { "pattern": ["git"], "decision": "maybe" } ] }""", "--config", "rules[0].decision: unknown value 'maybe'; expected allow, prompt, forbidden")]
    [InlineData("""{ "writable_roots": "/tmp" }""", "--config", "key 'writable_roots': expected an array of directories, got a string")]
    [InlineData("""{ "env": { "keep": "HOME" } }""", "--config", "key 'env.keep': expected an array of variable names, got a string")]
    [InlineData("""{ "env": { "keep": ["A=B"] } }""", "--config", "key 'env.keep[0]': 'A=B' is not a variable name (empty, or holds '=' or NUL)")]
    [InlineData("""{ "env": { "set": { "A": 1 } } }""", "--config", "key 'env.set.A': expected a string, got a number")]
    [InlineData("""{ "limits": { "processes": 0 } }""", "--config", "key 'limits.processes': 0 is out of range; expected 1 to 4194304")]
    [InlineData("""{ "limits": { "memory_bytes": 1024 } }""", "--config", "key 'limits.memory_bytes': 1024 is out of range; expected 16777216 to 1125899906842624")]
    [InlineData("""{ "limits": { "cpu_seconds": "10" } }""", "--config", "key 'limits.cpu_seconds': expected a whole number from 1 to 604800, got a string")]
    [InlineData("""{ "telemetry": true }""", "--config", "key 'telemetry': expected an object, got true")]
    [InlineData("""{ "telemetry": { "include_command": "yes" } }""", "--config", "key 'telemetry.include_command': expected true or false, got a string")]
    public void A_config_value_of_the_wrong_type_or_range_is_an_error_naming_the_file(string json, string expectedOption, string expectedMessageEnd)
    {
        // Arrange
        var path = scenario.WriteUserConfig(json);

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(expectedOption, error.Option);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.EndsWith(expectedMessageEnd, error.Message, StringComparison.Ordinal);
    }

    // SPEC.md "Who may loosen the policy": a writable root that covers the user config would let a sandboxed command
    // (under Landlock, which cannot hide the file) rewrite it into danger-full-access for the next start.
    [Theory]
    [InlineData(".config")]
    [InlineData(".config/agentexec")]
    [InlineData("")]
    public void A_writable_root_that_covers_the_user_config_is_refused_naming_it(string relativeRoot)
    {
        // Arrange
        var root = Path.TrimEndingDirectorySeparator(Path.Join(scenario.Home, relativeRoot));
        var path = scenario.WriteUserConfig($$"""{ "writable_roots": ["{{root}}"] }""");

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal("--config", error.Option);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"key 'writable_roots[0]': {root} contains this config file, which commands could then rewrite to loosen the policy; keep the config outside every writable root", error.Message, StringComparison.Ordinal);
    }

    // With the config chosen elsewhere (--config, AGENTEXEC_CONFIG), the folder a start without them reads is as much
    // the user's: under Landlock a sandboxed command wrote ~/.config/agentexec/config.json with no question, and the
    // next plain start ran danger-full-access.
    [Theory]
    [InlineData(".config", false)]
    [InlineData("", false)]
    [InlineData(".config", true)]
    [InlineData("xdg", true)]
    public void A_writable_root_that_covers_the_default_config_folder_is_refused_when_the_config_is_elsewhere(string relativeRoot, bool xdgConfigHome)
    {
        // Arrange
        var root = SettingsScenario.CreateDirectory(Path.TrimEndingDirectorySeparator(Path.Join(scenario.Home, relativeRoot)));
        if (xdgConfigHome)
        {
            scenario.Environment["XDG_CONFIG_HOME"] = SettingsScenario.CreateDirectory(Path.Join(scenario.Home, "xdg"));
        }

        var path = SettingsScenario.WriteFile(Path.Join(scenario.Root, "elsewhere", "config.json"), $$"""{ "writable_roots": ["{{root}}"] }""");
        scenario.Flags["config"] = path;

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal("--config", error.Option);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"key 'writable_roots[0]': {root} contains ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("where AgentExec reads its config when --config is not given, which commands could then write to loosen the policy; keep that folder outside every writable root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_writable_root_beside_the_user_config_is_kept()
    {
        // Arrange
        var cache = SettingsScenario.CreateDirectory(Path.Join(scenario.Home, ".cache"));
        scenario.WriteUserConfig($$"""{ "writable_roots": ["{{cache}}"] }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal([cache], settings.WritableRoots);
    }

    [Theory]
    [InlineData("{ \"sandbox\": \"read-only\",\n  \"network\": tru }", "is not valid JSON: 'tru }' is an invalid JSON literal. Expected the literal 'true'. (line 2, byte 17)")]
    [InlineData("[]", "must hold a JSON object, not an array")]
    [InlineData("{ \"sandbox\": \"read-only\", \"sandbox\": \"danger-full-access\" }", "is not valid JSON: Duplicate property 'sandbox' encountered during deserialization.")]
    [InlineData("", "is empty (or not a regular file)")]
    [InlineData("{ \"\\ud800\": 1, \"\\ud800\": 2 }", "is not valid JSON text: a \\u escape names half of a surrogate pair")]
    [InlineData("{ \"\\ud800\": 1 }", "is not valid JSON text: a \\u escape names half of a surrogate pair")]
    [InlineData("{ \"rules\": [ { \"pattern\": [\"a\"], \"decision\": \"prompt\", \"justification\": \"\\udc00\" } ] }", "is not valid JSON text: a \\u escape names half of a surrogate pair")]
    public void An_unparsable_user_config_is_an_error_naming_the_file_and_the_problem(string content, string expectedProblem)
    {
        // Arrange
        var path = scenario.WriteUserConfig(content);

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError("--config", $"{path} {expectedProblem}"), error);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x72, 0x75, 0x6C, 0x65, 0x73, 0x22, 0x3A, 0x5B, 0x7B, 0x22, 0x70, 0x61, 0x74, 0x74, 0x65, 0x72, 0x6E, 0x22, 0x3A, 0x5B, 0x22, 0xC3, 0x22, 0x5D, 0x2C, 0x22, 0x64, 0x65, 0x63, 0x69, 0x73, 0x69, 0x6F, 0x6E, 0x22, 0x3A, 0x22, 0x70, 0x72, 0x6F, 0x6D, 0x70, 0x74, 0x22, 0x7D, 0x5D, 0x7D })]
    public void A_user_config_that_is_not_utf8_is_an_error_not_a_crash(byte[] content)
    {
        // Arrange: {"\xFF":1} and {"rules":[{"pattern":["\xC3"],"decision":"prompt"}]}; the reader checks UTF-8
        // only where a string is decoded, so these parsed and then threw while the keys were read.
        var path = scenario.WriteUserConfig("{}");
        File.WriteAllBytes(path, content);

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError("--config", $"{path} is not valid UTF-8 text"), error);
    }

    [Fact]
    public void A_config_file_that_does_not_exist_is_an_error_when_named_explicitly()
    {
        // Arrange
        var path = Path.Join(scenario.Root, "missing.json");
        scenario.Flags["config"] = path;

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError("--config", $"{path}: no such file"), error);
    }

    [Fact]
    public void A_config_variable_naming_a_missing_file_is_an_error_naming_the_variable()
    {
        // Arrange
        var path = Path.Join(scenario.Root, "missing.json");
        scenario.Environment["AGENTEXEC_CONFIG"] = path;

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError("--config", $"AGENTEXEC_CONFIG: {path}: no such file"), error);
    }

    [Fact]
    public void A_workspace_that_does_not_exist_is_an_error()
    {
        // Arrange
        var path = Path.Join(scenario.Root, "nowhere");
        scenario.Flags["workspace"] = path;

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError("--workspace", $"{path}: no such directory"), error);
    }

    [Fact]
    public void A_workspace_that_is_a_file_is_an_error()
    {
        // Arrange
        var path = SettingsScenario.WriteFile(Path.Join(scenario.Root, "file"), "x");
        scenario.Environment["AGENTEXEC_WORKSPACE"] = path;

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError("--workspace", $"AGENTEXEC_WORKSPACE: {path}: not a directory"), error);
    }

    [Fact]
    public void An_audit_log_that_is_a_directory_is_an_error()
    {
        // Arrange
        var path = SettingsScenario.CreateDirectory(Path.Join(scenario.Root, "audit"));
        scenario.Flags["audit_log"] = path;

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError("--audit-log", $"{path}: is a directory; expected a file"), error);
    }

    [Fact]
    public void An_unknown_flag_key_is_an_error()
    {
        // Arrange
        scenario.Flags["approval"] = "never";

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError("--approval", "unknown option"), error);
    }

    [Fact]
    public void A_config_only_key_given_as_a_flag_is_an_error()
    {
        // Arrange
        scenario.Flags["rules"] = "[]";

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(new SettingsError("--rules", "'rules' can only be set in the user config file"), error);
    }

    [Fact]
    public void An_invalid_workspace_rule_file_is_an_error_naming_the_file()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, """{ "rules": [ { "pattern": [], "decision": "forbidden" } ] }""");

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.Equal(
            new SettingsError("--workspace", $"{scenario.WorkspaceRuleFilePath}: rules[0].pattern: expected a non-empty array of strings, got an empty array"),
            error);
    }

    [Fact]
    public void Control_characters_in_a_bad_value_are_escaped_in_the_message()
    {
        // Arrange
        scenario.Flags["sandbox"] = "\u001b[31mread-only";

        // Act
        var error = scenario.ResolveError();

        // Assert
        Assert.StartsWith("unknown value '\\x1B[31mread-only'", error.Message, StringComparison.Ordinal);
    }
}
