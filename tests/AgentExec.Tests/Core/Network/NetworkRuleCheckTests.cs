using System.Net;
using AgentExec.Core.Network;
using AgentExec.Tests.TestSupport;
using static AgentExec.Tests.Core.Network.NetworkTestTargets;

namespace AgentExec.Tests.Core.Network;

/// <summary>
/// The order of SPEC.md "Network allow-list": deny list, then every address against the refused ranges (only an exact
/// host+port entry lets a refused address through), then allow list, else ask; never throws.
/// </summary>
public sealed class NetworkRuleCheckTests
{
    private readonly FakeHostResolver resolver = new FakeHostResolver()
        .Answer("example.com", "93.184.215.14")
        .Answer("www.example.com", "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
        .Answer("internal.example.com", "93.184.215.14", "10.0.0.5")
        .Answer("mapped.example.com", "::ffff:169.254.169.254")
        .Answer("localhost", "127.0.0.1", "::1")
        .Answer("unknown.example.net", "151.101.1.1")
        .Answer("empty.example.net");

    [Fact]
    public async Task A_deny_entry_wins_over_an_allow_entry_for_the_same_host_and_nothing_is_resolved()
    {
        // Arrange
        var check = new NetworkRuleCheck(Lists(["example.com", "*.example.com"], denied: ["example.com"]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target("example.com", 443), CancellationToken.None);

        // Assert
        Assert.Equal(
            new NetworkVerdict(NetworkVerdictKind.Refused, NetworkDecisionSources.DeniedDomains, "example.com:443 is on denied_domains (entry 'example.com')", []),
            verdict with { Addresses = [] });
        Assert.Empty(verdict.Addresses);
        Assert.Empty(resolver.Lookups);
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:443")]
    public async Task A_denied_IP_literal_refuses_a_name_that_resolves_to_it_even_when_the_name_is_allowed(string deniedAddress)
    {
        // Arrange: the user denied an address; the command names it through an allow-listed name.
        var check = new NetworkRuleCheck(Lists(["*.example.com"], denied: [deniedAddress]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target("www.example.com", 443), CancellationToken.None);

        // Assert
        Assert.Equal(NetworkVerdictKind.Refused, verdict.Kind);
        Assert.Equal(NetworkDecisionSources.DeniedDomains, verdict.Source);
        Assert.StartsWith("www.example.com:443 resolves to ", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains($"which is on denied_domains (entry '{deniedAddress}')", verdict.Reason, StringComparison.Ordinal);
        Assert.Empty(verdict.Addresses);
    }

    [Fact]
    public async Task A_denied_IP_literal_with_another_port_does_not_refuse_the_name()
    {
        // Arrange
        var check = new NetworkRuleCheck(Lists(["*.example.com"], denied: ["93.184.215.14:8443"]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target("www.example.com", 443), CancellationToken.None);

        // Assert
        Assert.Equal(NetworkVerdictKind.Allowed, verdict.Kind);
    }

    [Fact]
    public async Task An_allow_listed_name_is_allowed_with_every_address_it_resolved_to()
    {
        // Arrange
        var check = new NetworkRuleCheck(Lists(["*.example.com"]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target("www.example.com", 443), CancellationToken.None);

        // Assert
        Assert.Equal(NetworkVerdictKind.Allowed, verdict.Kind);
        Assert.Equal(NetworkDecisionSources.AllowedDomains, verdict.Source);
        Assert.Equal("www.example.com:443 is on allowed_domains (entry '*.example.com')", verdict.Reason);
        Assert.Equal([IPAddress.Parse("93.184.215.14"), IPAddress.Parse("2606:2800:21f:cb07:6820:80da:af6b:8b2c")], verdict.Addresses);
        Assert.Equal(["www.example.com"], resolver.Lookups);
    }

    [Fact]
    public async Task A_private_address_reached_through_an_allow_listed_name_is_refused()
    {
        // Arrange: one public and one private answer; ANY refused answer refuses.
        var check = new NetworkRuleCheck(Lists(["*.example.com"]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target("internal.example.com", 443), CancellationToken.None);

        // Assert
        Assert.Equal(NetworkVerdictKind.Refused, verdict.Kind);
        Assert.Equal(NetworkDecisionSources.RefusedAddress, verdict.Source);
        Assert.Equal(
            "internal.example.com has an address in a refused range (10.0.0.5 is in 10.0.0.0/8 (private)); only an allowed_domains entry naming exactly internal.example.com:443 lets it through",
            verdict.Reason);
        Assert.Empty(verdict.Addresses);
    }

    [Fact]
    public async Task An_IPv4_mapped_DNS_answer_is_judged_and_returned_as_its_IPv4_address()
    {
        // Arrange
        var check = new NetworkRuleCheck(Lists(["mapped.example.com"]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target("mapped.example.com", 443), CancellationToken.None);

        // Assert
        Assert.Equal((NetworkVerdictKind.Refused, NetworkDecisionSources.RefusedAddress), (verdict.Kind, verdict.Source));
        Assert.Contains("169.254.169.254 is in 169.254.169.254/32 (cloud metadata)", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("127.0.0.1:8080", "2130706433", 8080)]
    [InlineData("127.0.0.1:8080", "[::ffff:127.0.0.1]", 8080)]
    [InlineData("[::1]:8080", "[::1]", 8080)]
    public async Task An_exact_ip_and_port_entry_lets_a_loopback_literal_through(string entry, string host, int port)
    {
        // Arrange
        var check = new NetworkRuleCheck(Lists([entry]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target(host, port), CancellationToken.None);

        // Assert
        Assert.Equal((NetworkVerdictKind.Allowed, NetworkDecisionSources.AllowedDomains), (verdict.Kind, verdict.Source));
        Assert.Equal([Target(host, port).Address!], verdict.Addresses);
        Assert.Contains("exact host and port", verdict.Reason, StringComparison.Ordinal);
        Assert.Empty(resolver.Lookups);
    }

    [Fact]
    public async Task An_exact_name_and_port_entry_lets_every_loopback_answer_of_that_name_through()
    {
        // Arrange
        var check = new NetworkRuleCheck(Lists(["localhost:3000"]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target("localhost", 3000), CancellationToken.None);

        // Assert
        Assert.Equal(NetworkVerdictKind.Allowed, verdict.Kind);
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], verdict.Addresses);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", 80)]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8081)]
    [InlineData("*.example.com", "127.0.0.1", 443)]
    [InlineData("localhost", "localhost", 443)]
    public async Task A_loopback_target_without_an_exact_host_and_port_entry_is_refused(string entry, string host, int port)
    {
        // Arrange
        var check = new NetworkRuleCheck(Lists([entry]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target(host, port), CancellationToken.None);

        // Assert
        Assert.Equal((NetworkVerdictKind.Refused, NetworkDecisionSources.RefusedAddress), (verdict.Kind, verdict.Source));
        Assert.Contains("127.0.0.0/8 (loopback)", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.1")]
    [InlineData("2130706433")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("0177.0.0.1")]
    [InlineData("017700000001")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[::ffff:7f00:1]")]
    [InlineData("[::1]")]
    [InlineData("0251.0376.0251.0376")]
    [InlineData("[fd00:ec2::254]")]
    [InlineData("100.100.100.200")]
    [InlineData("[2002:7f00:1::]")]
    [InlineData("[64:ff9b::7f00:1]")]
    public async Task Every_spelling_of_a_refused_literal_is_refused_without_a_lookup(string host)
    {
        // Arrange: even an empty allow-list would ask about a public literal; these must never reach a question.
        var check = new NetworkRuleCheck(Lists([]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target(host, 443), CancellationToken.None);

        // Assert
        Assert.Equal((NetworkVerdictKind.Refused, NetworkDecisionSources.RefusedAddress), (verdict.Kind, verdict.Source));
        Assert.Empty(resolver.Lookups);
    }

    [Fact]
    public async Task A_subdomain_pattern_does_not_allow_its_apex_which_is_asked()
    {
        // Arrange
        var check = new NetworkRuleCheck(Lists(["*.example.com"]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target("example.com", 443), CancellationToken.None);

        // Assert
        Assert.Equal(NetworkVerdictKind.Ask, verdict.Kind);
        Assert.Equal([IPAddress.Parse("93.184.215.14")], verdict.Addresses);
    }

    [Theory]
    [InlineData("example.com", 22, NetworkVerdictKind.Ask)]
    [InlineData("example.com", 8443, NetworkVerdictKind.Ask)]
    [InlineData("example.com", 80, NetworkVerdictKind.Allowed)]
    [InlineData("example.com", 443, NetworkVerdictKind.Allowed)]
    public async Task An_entry_without_a_port_allows_only_80_and_443(string host, int port, NetworkVerdictKind expected)
    {
        // Arrange
        var check = new NetworkRuleCheck(Lists(["example.com"]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target(host, port), CancellationToken.None);

        // Assert
        Assert.Equal(expected, verdict.Kind);
    }

    [Fact]
    public async Task A_host_on_neither_list_with_public_addresses_is_asked_carrying_the_addresses_to_connect_to()
    {
        // Arrange
        var check = new NetworkRuleCheck(Lists(["example.com"]), resolver);

        // Act
        var verdict = await check.CheckAsync(Target("unknown.example.net", 443), CancellationToken.None);

        // Assert
        Assert.Equal(
            (NetworkVerdictKind.Ask, NetworkDecisionSources.Human, "unknown.example.net:443 is on neither allowed_domains nor denied_domains, and its addresses are public"),
            (verdict.Kind, verdict.Source, verdict.Reason));
        Assert.Equal([IPAddress.Parse("151.101.1.1")], verdict.Addresses);
    }

    [Fact]
    public async Task The_name_is_resolved_once_and_the_verdict_keeps_the_checked_address_whatever_dns_says_later()
    {
        // Arrange: a rebinding resolver, public first and loopback on every later lookup.
        var rebinding = new RebindingResolver();
        var check = new NetworkRuleCheck(Lists(["rebind.example.com"]), rebinding);

        // Act
        var verdict = await check.CheckAsync(Target("rebind.example.com", 443), CancellationToken.None);

        // Assert: one lookup, and the proxy is handed the public address it checked (never the name to look up again).
        Assert.Equal(1, rebinding.Calls);
        Assert.Equal(NetworkVerdictKind.Allowed, verdict.Kind);
        Assert.Equal([IPAddress.Parse("93.184.215.14")], verdict.Addresses);
    }

    [Fact]
    public async Task A_failing_lookup_is_refused_as_resolution_failed()
    {
        // Arrange
        resolver.Throw("broken.example.com", new InvalidOperationException("resolver exploded"));
        var check = new NetworkRuleCheck(Lists(["*.example.com"]), resolver);

        // Act
        var thrown = await check.CheckAsync(Target("broken.example.com", 443), CancellationToken.None);
        var missing = await check.CheckAsync(Target("nxdomain.example.com", 443), CancellationToken.None);
        var empty = await check.CheckAsync(Target("empty.example.net", 443), CancellationToken.None);

        // Assert
        Assert.All([thrown, missing, empty], verdict =>
        {
            Assert.Equal((NetworkVerdictKind.Refused, NetworkDecisionSources.ResolutionFailed), (verdict.Kind, verdict.Source));
            Assert.Empty(verdict.Addresses);
        });
        Assert.Equal("broken.example.com:443: the name did not resolve (InvalidOperationException)", thrown.Reason);
        Assert.Equal("empty.example.net:443: the name resolved to no address", empty.Reason);
    }

    [Fact]
    public async Task A_lookup_that_never_answers_is_refused_when_the_timeout_passes()
    {
        // Arrange: the resolver ignores its token, so only the check's own bound can end the wait.
        var time = new ManualTimeProvider();
        var hanging = new FakeHostResolver { HangIgnoringCancellation = true };
        var check = new NetworkRuleCheck(Lists(["*.example.com"]), hanging, TimeSpan.FromSeconds(5), time);

        // Act
        var pending = check.CheckAsync(Target("slow.example.com", 443), CancellationToken.None);
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        var verdict = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal((NetworkVerdictKind.Refused, NetworkDecisionSources.ResolutionFailed), (verdict.Kind, verdict.Source));
        Assert.Equal("slow.example.com:443: the name did not resolve within 5 s", verdict.Reason);
    }

    [Fact]
    public async Task A_cancelled_call_refuses_instead_of_throwing()
    {
        // Arrange
        var hanging = new FakeHostResolver { HangIgnoringCancellation = true };
        var check = new NetworkRuleCheck(Lists([]), hanging);
        using var cancellation = new CancellationTokenSource();

        // Act
        var pending = check.CheckAsync(Target("slow.example.com", 443), cancellation.Token);
        await cancellation.CancelAsync();
        var verdict = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal((NetworkVerdictKind.Refused, NetworkDecisionSources.ResolutionFailed), (verdict.Kind, verdict.Source));
    }

    [Fact]
    public async Task A_resolver_that_breaks_its_contract_is_refused_rather_than_thrown()
    {
        // Arrange: a null answer, which the interface does not allow.
        var check = new NetworkRuleCheck(Lists([]), new NullAnswerResolver());

        // Act
        var verdict = await check.CheckAsync(Target("odd.example.com", 443), CancellationToken.None);

        // Assert
        Assert.Equal(NetworkVerdictKind.Refused, verdict.Kind);
    }

    private sealed class RebindingResolver : IHostResolver
    {
        public int Calls { get; private set; }

        public Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult<IReadOnlyList<IPAddress>>([Calls == 1 ? IPAddress.Parse("93.184.215.14") : IPAddress.Loopback]);
        }
    }

    private sealed class NullAnswerResolver : IHostResolver
    {
        public Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<IPAddress>>(null!);
    }
}
