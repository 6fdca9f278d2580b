using System.Text.Json;
using AgentExec.Tests.EndToEnd;

namespace AgentExec.Tests.Cli;

/// <summary>
/// The network allow-list's configuration through the real <c>agentexec check</c>: the lists in force (text and JSON),
/// the usage error with <c>--network</c>, a workspace config that tries to widen the list, and Landlock's refusal.
/// </summary>
public sealed class CheckNetworkProcessTests
{
    private const string UserConfig = """
        { "network": { "allowed_domains": ["example.com", "127.0.0.1:8080"],
                       "denied_domains": ["evil.example"],
                       "upstream_proxy": "http://proxy.corp:3128" } }
        """;

    [Fact]
    public async Task Check_json_shows_the_allow_and_deny_lists_in_force_and_the_upstream_proxy()
    {
        // Arrange
        using var agentexec = new AgentExecProcess();
        WriteUserConfig(agentexec, UserConfig);

        // Act
        var result = await agentexec.RunAsync(["check", "--json", "--allow-domain", "*.pypi.org", "--allow-domain", "files.pythonhosted.org:8443", "--", "true"]);

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var network = json.RootElement.GetProperty("network");
        Assert.Equal("allow_list", network.GetProperty("mode").GetString());
        Assert.Equal(
            ["example.com", "127.0.0.1:8080", "*.pypi.org", "files.pythonhosted.org:8443"],
            network.GetProperty("allowed_domains").EnumerateArray().Select(entry => entry.GetString()));
        Assert.Equal(["evil.example"], network.GetProperty("denied_domains").EnumerateArray().Select(entry => entry.GetString()));
        Assert.Equal("http://proxy.corp:3128", network.GetProperty("upstream_proxy").GetString());
    }

    [Fact]
    public async Task Check_text_shows_the_lists_next_to_the_policy_line()
    {
        // Arrange
        using var agentexec = new AgentExecProcess();
        WriteUserConfig(agentexec, UserConfig);

        // Act
        var result = await agentexec.RunAsync(["check", "--", "true"]);

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains(
            "network:  allow-list, through the egress proxy (other hosts are asked)\n"
            + "          allowed: example.com, 127.0.0.1:8080\n"
            + "          denied:  evil.example\n"
            + "          upstream proxy: http://proxy.corp:3128\n",
            result.StandardOutput,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("off", new string[0])]
    [InlineData("all", new[] { "--network" })]
    public async Task Check_json_says_when_there_is_no_allow_list(string mode, string[] flags)
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["check", "--json", .. flags, "--", "true"]);

        Assert.True(result.ExitCode == 0, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var network = json.RootElement.GetProperty("network");
        Assert.Equal(mode, network.GetProperty("mode").GetString());
        Assert.Empty(network.GetProperty("allowed_domains").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, network.GetProperty("upstream_proxy").ValueKind);
    }

    [Fact]
    public async Task Network_all_of_it_with_an_allow_domain_is_a_usage_error()
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["check", "--network", "--allow-domain", "example.com", "--", "true"]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("agentexec: --allow-domain: --network (all of the network) and a network allow-list (--allow-domain) cannot be used together", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task A_malformed_allow_domain_variable_is_a_usage_error_naming_the_entry()
    {
        using var agentexec = new AgentExecProcess();
        var environment = agentexec.Environment();
        environment["AGENTEXEC_ALLOW_DOMAIN"] = "example.com,a.*.example";

        var result = await agentexec.RunAsync(["check", "--", "true"], environment: environment);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--allow-domain: AGENTEXEC_ALLOW_DOMAIN: 'a.*.example' has a '*' that is not a whole first label", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workspace_config_that_tries_to_widen_the_list_only_adds_its_deny_entries_and_is_warned_about()
    {
        // Arrange: the agent writes agentexec.json in the workspace.
        using var agentexec = new AgentExecProcess();
        WriteUserConfig(agentexec, """{ "network": { "allowed_domains": ["example.com"] } }""");
        File.WriteAllText(Path.Combine(agentexec.Workspace, "agentexec.json"), """
            { "network": { "allowed_domains": ["*.attacker.example", "169.254.169.254:80"],
                           "denied_domains": ["tracker.example"],
                           "upstream_proxy": "http://attacker.example:8080" } }
            """);

        // Act
        var result = await agentexec.RunAsync(["check", "--json", "--", "true"]);

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var network = json.RootElement.GetProperty("network");
        Assert.Equal(["example.com"], network.GetProperty("allowed_domains").EnumerateArray().Select(entry => entry.GetString()));
        Assert.Equal(["tracker.example"], network.GetProperty("denied_domains").EnumerateArray().Select(entry => entry.GetString()));
        Assert.Equal(JsonValueKind.Null, network.GetProperty("upstream_proxy").ValueKind);
        Assert.Contains("ignoring network.allowed_domains, network.upstream_proxy", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workspace_config_alone_cannot_turn_the_network_on()
    {
        using var agentexec = new AgentExecProcess();
        File.WriteAllText(Path.Combine(agentexec.Workspace, "agentexec.json"), """{ "network": { "allowed_domains": ["attacker.example"] } }""");

        var result = await agentexec.RunAsync(["check", "--json", "--", "true"]);

        Assert.True(result.ExitCode == 0, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("off", json.RootElement.GetProperty("network").GetProperty("mode").GetString());
    }

    [Fact]
    public async Task An_allow_list_under_the_landlock_backend_leaves_no_sandbox_naming_the_fix()
    {
        using var agentexec = new AgentExecProcess();

        var result = await agentexec.RunAsync(["check", "--json", "--sandbox-backend", "landlock", "--allow-domain", "example.com", "--", "true"]);

        Assert.True(result.ExitCode == 0, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.False(json.RootElement.GetProperty("sandbox_available").GetBoolean());
        Assert.Contains(
            "the network allow-list (--allow-domain, the config's \"network\" object) needs bubblewrap, because Landlock cannot tell one destination from another",
            json.RootElement.GetProperty("sandbox_unavailable_reason").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_refuses_to_start_with_an_allow_list_under_the_landlock_backend()
    {
        using var agentexec = new AgentExecProcess();
        var witness = Path.Combine(agentexec.Workspace, "ran");

        var result = await agentexec.RunAsync(["run", "--sandbox-backend", "landlock", "--allow-domain", "example.com", "--", "touch", witness]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Landlock cannot tell one destination from another", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(witness));
    }

    private static void WriteUserConfig(AgentExecProcess agentexec, string json)
    {
        var path = Path.Combine(agentexec.Home, "config", "agentexec", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
    }
}
