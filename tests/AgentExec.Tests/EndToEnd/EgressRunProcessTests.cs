using System.Net;
using System.Text.Json;
using AgentExec.Tests.Network.Proxy;
using AgentExec.Tests.TestSupport;
using CliWrap.Buffered;

namespace AgentExec.Tests.EndToEnd;

/// <summary>
/// The network allow-list (SPEC.md "Network allow-list", issue 14) through the real <c>agentexec run</c> under the real
/// bubblewrap sandbox: real curl, Python and bash inside, local upstreams on 127.0.0.2 (NO_PROXY covers 127.0.0.1),
/// and the audit log the process wrote.
/// </summary>
public sealed class EgressRunProcessTests
{
    [BubblewrapFact]
    public async Task Run_reaches_an_allow_listed_upstream_with_curl_and_python_urllib_and_audits_both_decisions_in_a_chain_that_verifies()
    {
        // Arrange
        using var agentexec = new AgentExecProcess();
        await using var origin = new LocalHttpOrigin();
        var script = $"""
            curl -sS {origin.Url("/curl")}; echo
            python3 -c 'import urllib.request; print(urllib.request.urlopen("{origin.Url("/python")}", timeout=10).read().decode())'
            """;

        // Act
        var result = await RunAsync(agentexec, ["--allow-domain", origin.Authority], script);

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal($"{LocalHttpOrigin.Body}\n{LocalHttpOrigin.Body}\n", result.StandardOutput);
        Assert.Equal(2, origin.Accepted);
        var decisions = NetworkDecisions(agentexec);
        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, decision => Assert.Equal(
            ("127.0.0.2", origin.Port, "allowed", "allowed_domains"),
            (decision.GetProperty("host").GetString(), decision.GetProperty("port").GetInt32(), decision.GetProperty("decision").GetString(), decision.GetProperty("source").GetString())));
        var verify = await agentexec.RunAsync(["audit", "verify", agentexec.AuditLog]);
        Assert.True(verify.ExitCode == 0, verify.StandardOutput + verify.StandardError);
    }

    [BubblewrapFact]
    public async Task A_host_on_the_user_configs_deny_list_is_refused_even_when_allow_domain_names_it_exactly()
    {
        // Arrange
        using var agentexec = new AgentExecProcess();
        await using var origin = new LocalHttpOrigin();
        WriteUserConfig(agentexec, """{ "network": { "denied_domains": ["127.0.0.2"] } }""");

        // Act
        var result = await RunAsync(agentexec, ["--allow-domain", origin.Authority], $"curl -sS -w '\\n%{{http_code}}' {origin.Url()}");

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.EndsWith("\n403", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, origin.Accepted);
        var decision = Assert.Single(NetworkDecisions(agentexec));
        Assert.Equal(("denied", "denied_domains"), (decision.GetProperty("decision").GetString(), decision.GetProperty("source").GetString()));
    }

    [BubblewrapFact]
    public async Task A_name_allowed_without_its_port_that_resolves_to_loopback_is_refused_and_the_exact_name_and_port_is_reached()
    {
        // Arrange: localhost answers 127.0.0.1 (and ::1); --noproxy '' makes curl send it to the proxy all the same,
        // as a client that ignores NO_PROXY would.
        using var agentexec = new AgentExecProcess();
        await using var origin = new LocalHttpOrigin("127.0.0.1");

        // Act
        var byNameOnly = await RunAsync(agentexec, ["--allow-domain", "localhost"], "curl -sS --noproxy '' -w '\\n%{http_code}' http://localhost/");
        var byNameAndPort = await RunAsync(agentexec, ["--allow-domain", $"localhost:{origin.Port}"], $"curl -sS --noproxy '' http://localhost:{origin.Port}/");

        // Assert
        Assert.True(byNameOnly.ExitCode == 0, byNameOnly.StandardError);
        Assert.EndsWith("\n403", byNameOnly.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("loopback", byNameOnly.StandardOutput, StringComparison.Ordinal);
        Assert.Equal((0, LocalHttpOrigin.Body), (byNameAndPort.ExitCode, byNameAndPort.StandardOutput));
        Assert.Equal(
            [("localhost", 80, "denied", "refused_address"), ("localhost", origin.Port, "allowed", "allowed_domains")],
            NetworkDecisions(agentexec).Select(d => (d.GetProperty("host").GetString(), d.GetProperty("port").GetInt32(), d.GetProperty("decision").GetString(), d.GetProperty("source").GetString())));
    }

    [BubblewrapFact]
    public async Task A_direct_dev_tcp_connection_that_bypasses_the_proxy_fails_while_the_proxied_one_in_the_same_call_succeeds()
    {
        // Arrange: the allowed upstream on 127.0.0.2, and a listener on the host's 127.0.0.1 a sandbox sharing the
        // host's network would reach.
        using var agentexec = new AgentExecProcess();
        await using var origin = new LocalHttpOrigin();
        await using var hostLoopback = new LocalHttpOrigin("127.0.0.1");
        var script = $"""
            (exec 3<>/dev/tcp/127.0.0.1/{hostLoopback.Port}) 2>/dev/null && echo direct-127.0.0.1-reached || echo direct-127.0.0.1-failed
            (exec 3<>/dev/tcp/127.0.0.2/{origin.Port}) 2>/dev/null && echo direct-127.0.0.2-reached || echo direct-127.0.0.2-failed
            curl -sS {origin.Url()}
            """;

        // Act
        var result = await RunAsync(agentexec, ["--allow-domain", origin.Authority, "--allow-domain", hostLoopback.Authority], script);

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal($"direct-127.0.0.1-failed\ndirect-127.0.0.2-failed\n{LocalHttpOrigin.Body}", result.StandardOutput);
        Assert.Equal((1, 0), (origin.Accepted, hostLoopback.Accepted));
    }

    [BubblewrapTheory]
    [InlineData("""{ "network": { "allowed_domains": ["127.0.0.2:PORT"] } }""")]
    [InlineData("""{ "network": true }""")]
    public async Task A_workspace_config_that_tries_to_widen_the_list_changes_nothing(string workspaceConfig)
    {
        // Arrange: one upstream allowed by the human, another the agent's own agentexec.json tries to open.
        using var agentexec = new AgentExecProcess();
        await using var allowed = new LocalHttpOrigin();
        await using var wanted = new LocalHttpOrigin();
        await File.WriteAllTextAsync(Path.Combine(agentexec.Workspace, "agentexec.json"), workspaceConfig.Replace("PORT", wanted.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var script = $$"""
            curl -sS {{allowed.Url()}}; echo
            curl -sS -o /dev/null -w '%{http_code}\n' {{wanted.Url()}}
            (exec 3<>/dev/tcp/127.0.0.2/{{wanted.Port}}) 2>/dev/null && echo direct-reached || echo direct-failed
            """;

        // Act
        var result = await RunAsync(agentexec, ["--allow-domain", allowed.Authority], script);

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal($"{LocalHttpOrigin.Body}\n403\ndirect-failed\n", result.StandardOutput);
        Assert.Equal((1, 0), (allowed.Accepted, wanted.Accepted));
    }

    [BubblewrapFact]
    public async Task Fifty_parallel_connections_from_one_command_all_succeed_and_each_is_a_decision()
    {
        // Arrange
        using var agentexec = new AgentExecProcess();
        await using var origin = new LocalHttpOrigin();
        var script = $"seq 50 | xargs -P 50 -I{{}} curl -sS --max-time 15 {origin.Url("/n{}")}";

        // Act
        var result = await RunAsync(agentexec, ["--allow-domain", origin.Authority], script);

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        // The 50 bodies arrive in any order and may interleave between curl's own writes, so they are counted.
        Assert.Equal(50, System.Text.RegularExpressions.Regex.Count(result.StandardOutput, LocalHttpOrigin.Body));
        Assert.Equal(50, origin.Accepted);
        Assert.Equal(50, NetworkDecisions(agentexec).Count(d => d.GetProperty("decision").GetString() == "allowed"));
    }

    [BubblewrapFact]
    public async Task Tls_to_an_allow_listed_ip_passes_the_server_name_check_and_a_different_server_name_is_refused_and_audited()
    {
        // Arrange: a TLS upstream on 127.0.0.2 with a certificate for that IP; curl sends no server name for an IP
        // literal, and with --connect-to it tunnels to the same address while its ClientHello names another site.
        using var agentexec = new AgentExecProcess();
        var tls = new TlsOrigin();
        await using var upstream = new LoopbackUpstream(tls.ServeAsync, IPAddress.Parse("127.0.0.2"));
        // Not *.pem: the sandbox hides credential-like files in the workspace from the command.
        var authority = Path.Combine(agentexec.Workspace, "test-authority.txt");
        await File.WriteAllTextAsync(authority, TestCertificates.AuthorityPem);
        var script = $"""
            curl -sS --cacert {authority} https://127.0.0.2:{upstream.Port}/; echo
            curl -sS --cacert {authority} --connect-to fronted.example:443:127.0.0.2:{upstream.Port} https://fronted.example/ 2>/dev/null && echo fronted-reached || echo fronted-refused
            """;

        // Act
        var result = await RunAsync(agentexec, ["--allow-domain", $"127.0.0.2:{upstream.Port}"], script);

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal($"{TlsOrigin.Body}\nfronted-refused\n", result.StandardOutput);
        Assert.Equal([""], tls.ServerNames);
        var decisions = NetworkDecisions(agentexec);
        Assert.Equal(["allowed", "allowed", "denied"], decisions.Select(d => d.GetProperty("decision").GetString()));
        var refusal = decisions[^1];
        Assert.Equal("protocol", refusal.GetProperty("source").GetString());
        Assert.Contains("the ClientHello names fronted.example, not the CONNECT host 127.0.0.2", refusal.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The <c>network_decision</c> events of the audit log, in order. <c>run</c> has returned, so the log is complete.
    /// </summary>
    internal static List<JsonElement> NetworkDecisions(AgentExecProcess agentexec) =>
        [.. File.ReadLines(agentexec.AuditLog)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("event").GetString() == "network_decision")];

    private static void WriteUserConfig(AgentExecProcess agentexec, string json)
    {
        var path = Path.Combine(agentexec.Home, "config", "agentexec", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
    }

    private static Task<BufferedCommandResult> RunAsync(AgentExecProcess agentexec, string[] options, string script) =>
        agentexec.RunAsync([
            "run", "--sandbox", "workspace-write", "--sandbox-backend", "bubblewrap", "--workspace", agentexec.Workspace,
            "--audit-log", agentexec.AuditLog, .. options, "--", "bash", "-c", script]);
}
