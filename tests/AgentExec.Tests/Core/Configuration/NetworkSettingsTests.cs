using AgentExec.Core.Network;

namespace AgentExec.Tests.Core.Configuration;

/// <summary>
/// The <c>network</c> key as a boolean or the allow-list object, <c>--allow-domain</c> and its variable, and what a
/// workspace config may add (SPEC.md "Network allow-list"; docs/configuration.md).
/// </summary>
public sealed class NetworkSettingsTests : IDisposable
{
    private readonly SettingsScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    private static string[] Shown(IEnumerable<HostPattern> entries) => entries.Select(entry => entry.ToString()).ToArray();

    [Fact]
    public void The_user_configs_network_object_puts_its_lists_and_upstream_proxy_in_force()
    {
        // Arrange
        scenario.WriteUserConfig("""
            { "network": { "allowed_domains": ["Example.com", "*.github.com", "127.1:8080", "example.com"],
                           "denied_domains": ["evil.example", "[::1]:22"],
                           "upstream_proxy": "http://proxy.corp:3128" } }
            """);

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.False(settings.Network);
        var lists = Assert.IsType<NetworkLists>(settings.NetworkLists);
        Assert.Equal(["example.com", "*.github.com", "127.0.0.1:8080"], Shown(lists.AllowedDomains));
        Assert.Equal(["evil.example", "[::1]:22"], Shown(lists.DeniedDomains));
        Assert.Equal(new UpstreamProxy("proxy.corp", 3128), lists.Upstream);
        Assert.Empty(settings.Warnings);
    }

    [Fact]
    public void An_empty_network_object_is_an_allow_list_that_asks_about_every_host()
    {
        scenario.WriteUserConfig("""{ "network": {} }""");

        var settings = scenario.ResolveSettings();

        var lists = Assert.IsType<NetworkLists>(settings.NetworkLists);
        Assert.Equal(([], [], null), (Shown(lists.AllowedDomains), Shown(lists.DeniedDomains), lists.Upstream));
        Assert.False(settings.Network);
    }

    [Fact]
    public void Without_an_object_or_allow_domain_there_is_no_allow_list()
    {
        scenario.WriteUserConfig("""{ "network": true }""");

        var settings = scenario.ResolveSettings();

        Assert.True(settings.Network);
        Assert.Null(settings.NetworkLists);
    }

    [Fact]
    public void Allow_domain_entries_are_added_to_the_user_configs_list_and_keep_its_deny_list()
    {
        // Arrange
        scenario.WriteUserConfig("""{ "network": { "allowed_domains": ["example.com"], "denied_domains": ["evil.example"] } }""");
        scenario.Flags["allow_domain"] = "pypi.org,*.pythonhosted.org,example.com";

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(["example.com", "pypi.org", "*.pythonhosted.org"], Shown(settings.NetworkLists!.AllowedDomains));
        Assert.Equal(["evil.example"], Shown(settings.NetworkLists.DeniedDomains));
    }

    [Fact]
    public void The_allow_domain_variable_alone_puts_an_allow_list_in_force()
    {
        scenario.Environment["AGENTEXEC_ALLOW_DOMAIN"] = "registry.npmjs.org,127.0.0.1:4873";

        var settings = scenario.ResolveSettings();

        Assert.Equal(["registry.npmjs.org", "127.0.0.1:4873"], Shown(settings.NetworkLists!.AllowedDomains));
        Assert.Empty(settings.NetworkLists.DeniedDomains);
        Assert.Null(settings.NetworkLists.Upstream);
    }

    [Fact]
    public void The_allow_domain_flag_takes_precedence_over_its_variable()
    {
        scenario.Environment["AGENTEXEC_ALLOW_DOMAIN"] = "from-environment.example";
        scenario.Flags["allow_domain"] = "from-flag.example";

        var settings = scenario.ResolveSettings();

        Assert.Equal(["from-flag.example"], Shown(settings.NetworkLists!.AllowedDomains));
    }

    [Fact]
    public void Network_all_of_it_and_allow_domain_together_are_a_usage_error()
    {
        scenario.Flags["network"] = "true";
        scenario.Flags["allow_domain"] = "example.com";

        var error = scenario.ResolveError();

        Assert.Equal("--allow-domain", error.Option);
        Assert.StartsWith("--network (all of the network) and a network allow-list (--allow-domain) cannot be used together", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_flag_with_the_user_configs_object_is_a_usage_error()
    {
        scenario.WriteUserConfig("""{ "network": { "denied_domains": ["evil.example"] } }""");
        scenario.Environment["AGENTEXEC_NETWORK"] = "1";

        var error = scenario.ResolveError();

        Assert.Equal("--network", error.Option);
        Assert.Contains("the user config's \"network\" object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_true_in_the_config_with_the_allow_domain_variable_is_a_usage_error()
    {
        scenario.WriteUserConfig("""{ "network": true }""");
        scenario.Environment["AGENTEXEC_ALLOW_DOMAIN"] = "example.com";

        var error = scenario.ResolveError();

        Assert.Equal("--allow-domain", error.Option);
        Assert.Contains("(AGENTEXEC_ALLOW_DOMAIN)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_network_false_turns_the_user_configs_object_off()
    {
        scenario.WriteUserConfig("""{ "network": { "allowed_domains": ["example.com"] } }""");
        scenario.Environment["AGENTEXEC_NETWORK"] = "false";

        var settings = scenario.ResolveSettings();

        Assert.False(settings.Network);
        Assert.Null(settings.NetworkLists);
    }

    [Fact]
    public void An_explicit_network_false_with_allow_domain_is_a_usage_error()
    {
        scenario.Flags["network"] = "false";
        scenario.Flags["allow_domain"] = "example.com";

        var error = scenario.ResolveError();

        Assert.Equal(new("--allow-domain", "--network false turns the network off, and --allow-domain would let hosts through; drop one of them"), error);
    }

    [Theory]
    [InlineData("*", "'*' has a '*' that is not a whole first label")]
    [InlineData("*foo.com", "'*foo.com' has a '*' that is not a whole first label")]
    [InlineData("a.*.com", "'a.*.com' has a '*' that is not a whole first label")]
    [InlineData("https://example.com", "'https://example.com' is a URL or a path")]
    [InlineData("example.com/x", "'example.com/x' is a URL or a path")]
    [InlineData("example.com:70000", "'example.com:70000' has a port that is not a number from 1 to 65535")]
    [InlineData("bücher.example", "'bücher.example' is not a host name or IP literal")]
    [InlineData("ok.example,,other.example", "'' is empty")]
    public void A_malformed_allow_domain_entry_is_an_error_naming_it(string value, string expected)
    {
        scenario.Flags["allow_domain"] = value;

        var error = scenario.ResolveError();

        Assert.Equal("--allow-domain", error.Option);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_variable_entry_names_the_variable()
    {
        scenario.Environment["AGENTEXEC_ALLOW_DOMAIN"] = "example.com, pypi.org";

        var error = scenario.ResolveError();

        Assert.Equal("--allow-domain", error.Option);
        Assert.StartsWith("AGENTEXEC_ALLOW_DOMAIN: ' pypi.org' is not a host name", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "network": { "allowed_domains": ["a.*.com"] } }""", "key 'network.allowed_domains[0]': 'a.*.com' has a '*'")]
    [InlineData("""{ "network": { "denied_domains": ["ok.example", 7] } }""", "key 'network.denied_domains[1]': expected a host")]
    [InlineData("""{ "network": { "allowed_domains": "example.com" } }""", "key 'network.allowed_domains': expected an array of hosts, got a string")]
    [InlineData("""{ "network": { "denied_domain": ["evil.example"] } }""", "key 'network': unknown key 'denied_domain'; expected allowed_domains, denied_domains, upstream_proxy")]
    [InlineData("""{ "network": { "upstream_proxy": "http://user:pw@proxy:3128" } }""", "key 'network.upstream_proxy': 'http://user:pw@proxy:3128': expected http://HOST:PORT")]
    [InlineData("""{ "network": { "upstream_proxy": 3128 } }""", "key 'network.upstream_proxy': expected a string http://HOST:PORT, got a number")]
    public void A_malformed_network_object_is_an_error_naming_the_file_and_key(string json, string expected)
    {
        var path = scenario.WriteUserConfig(json);

        var error = scenario.ResolveError();

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_allow_domain_key_in_the_user_config_is_ignored_with_a_warning()
    {
        var path = scenario.WriteUserConfig("""{ "allow_domain": "example.com" }""");

        var settings = scenario.ResolveSettings();

        Assert.Null(settings.NetworkLists);
        Assert.Equal([$"{path}: key 'allow_domain' ignored; the config's allow-list is \"network\": {{\"allowed_domains\": [...]}}"], settings.Warnings);
    }

    [Fact]
    public void A_workspace_agentexec_json_that_tries_to_widen_the_list_only_adds_to_the_deny_list()
    {
        // Arrange: the agent wrote this file; the user's list allows one host.
        scenario.WriteUserConfig("""{ "network": { "allowed_domains": ["example.com"] } }""");
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, """
            { "network": { "allowed_domains": ["*.attacker.example", "169.254.169.254:80"],
                           "denied_domains": ["tracker.example"],
                           "upstream_proxy": "http://attacker.example:8080" } }
            """);

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        var lists = settings.NetworkLists!;
        Assert.Equal(["example.com"], Shown(lists.AllowedDomains));
        Assert.Equal(["tracker.example"], Shown(lists.DeniedDomains));
        Assert.Null(lists.Upstream);
        Assert.Equal(
            [$"{scenario.WorkspaceRuleFilePath}: only network.denied_domains is read from the \"network\" object of a workspace config, which the agent can write; ignoring network.allowed_domains, network.upstream_proxy"],
            settings.Warnings);
    }

    [Fact]
    public void A_workspace_config_cannot_turn_an_allow_list_or_the_network_on()
    {
        // Arrange
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, """{ "network": { "allowed_domains": ["attacker.example"] } }""");
        scenario.Flags["config"] = SettingsScenario.WriteFile(Path.Join(scenario.Workspace, ".agentexec.json"), """{ "network": true }""");

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.False(settings.Network);
        Assert.Null(settings.NetworkLists);
        Assert.Contains(settings.Warnings, warning => warning.EndsWith("ignoring network", StringComparison.Ordinal));
        Assert.Contains(settings.Warnings, warning => warning.EndsWith("ignoring network.allowed_domains", StringComparison.Ordinal));
    }

    [Fact]
    public void A_config_inside_the_workspace_adds_its_deny_entries_to_the_flags_allow_list()
    {
        // Arrange
        scenario.Flags["config"] = SettingsScenario.WriteFile(
            Path.Join(scenario.Workspace, ".agentexec.json"),
            """{ "network": { "denied_domains": ["*.example.com"] } }""");
        scenario.Flags["allow_domain"] = "*.example.com";

        // Act
        var settings = scenario.ResolveSettings();

        // Assert
        Assert.Equal(["*.example.com"], Shown(settings.NetworkLists!.DeniedDomains));
        Assert.True(settings.NetworkLists.IsDenied(Network.NetworkTestTargets.Target("www.example.com", 443)));
    }

    [Fact]
    public void A_malformed_deny_entry_in_the_workspace_stops_start_up_naming_the_file()
    {
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, """{ "network": { "denied_domains": ["*"] } }""");

        var error = scenario.ResolveError();

        Assert.Equal("--workspace", error.Option);
        Assert.StartsWith($"{scenario.WorkspaceRuleFilePath}, key 'network.denied_domains[0]': '*' has a '*'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Workspace_deny_entries_under_network_all_of_it_are_a_warning_since_nothing_can_enforce_them()
    {
        SettingsScenario.WriteFile(scenario.WorkspaceRuleFilePath, """{ "network": { "denied_domains": ["tracker.example"] } }""");
        scenario.Flags["network"] = "true";

        var settings = scenario.ResolveSettings();

        Assert.True(settings.Network);
        Assert.Null(settings.NetworkLists);
        Assert.Contains(settings.Warnings, warning => warning.StartsWith("denied_domains (tracker.example) cannot be enforced with --network", StringComparison.Ordinal));
    }
}
