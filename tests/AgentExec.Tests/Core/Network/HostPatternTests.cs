using AgentExec.Core.Network;
using static AgentExec.Tests.Core.Network.NetworkTestTargets;

namespace AgentExec.Tests.Core.Network;

/// <summary>The grammar of an allow/deny list entry and what it matches (SPEC.md "Network allow-list").</summary>
public sealed class HostPatternTests
{
    [Theory]
    [InlineData("example.com", HostPatternKind.Exact, "example.com", null)]
    [InlineData("Example.COM.", HostPatternKind.Exact, "example.com", null)]
    [InlineData("*.example.com", HostPatternKind.Subdomains, "example.com", null)]
    [InlineData("*.Example.com:8443", HostPatternKind.Subdomains, "example.com", 8443)]
    [InlineData("example.com:65535", HostPatternKind.Exact, "example.com", 65535)]
    [InlineData("127.0.0.1:8080", HostPatternKind.Exact, "127.0.0.1", 8080)]
    [InlineData("127.1:8080", HostPatternKind.Exact, "127.0.0.1", 8080)]
    [InlineData("2130706433", HostPatternKind.Exact, "127.0.0.1", null)]
    [InlineData("[::1]:8080", HostPatternKind.Exact, "::1", 8080)]
    [InlineData("[2001:DB8::1]", HostPatternKind.Exact, "2001:db8::1", null)]
    [InlineData("[::ffff:10.0.0.1]:80", HostPatternKind.Exact, "10.0.0.1", 80)]
    [InlineData("localhost", HostPatternKind.Exact, "localhost", null)]
    public void An_entry_is_read_into_its_canonical_host_and_port(string entry, HostPatternKind kind, string host, int? port)
    {
        // Act
        var parsed = HostPattern.TryParse(entry, out var pattern, out var problem);

        // Assert
        Assert.True(parsed, problem);
        Assert.Equal(new HostPattern(kind, host, port), pattern);
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("*:443")]
    [InlineData("*.")]
    [InlineData("*foo.com")]
    [InlineData("a.*.com")]
    [InlineData("*.*.com")]
    [InlineData("foo*.com")]
    [InlineData("*.127.0.0.1")]
    [InlineData("*.[::1]")]
    [InlineData("http://example.com")]
    [InlineData("https://example.com:443")]
    [InlineData("example.com/path")]
    [InlineData("example.com:0")]
    [InlineData("example.com:65536")]
    [InlineData("example.com:080")]
    [InlineData("example.com:")]
    [InlineData("example.com:-1")]
    [InlineData("example.com:+80")]
    [InlineData("example.com:8o")]
    [InlineData("example.com:1:2")]
    [InlineData("::1")]
    [InlineData("2001:db8::1:443")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    [InlineData("[fe80::1%eth0]:80")]
    [InlineData("bücher.example")]
    [InlineData("exa mple.com")]
    [InlineData(" example.com")]
    [InlineData("user@example.com")]
    [InlineData("example.com?x")]
    [InlineData("1.2.3.256")]
    [InlineData("example.123")]
    public void A_malformed_entry_is_refused_with_a_reason(string entry)
    {
        // Act
        var parsed = HostPattern.TryParse(entry, out var pattern, out var problem);

        // Assert
        Assert.False(parsed, $"read as {pattern}");
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }

    [Theory]
    [InlineData("example.com", "example.com", 443, true)]
    [InlineData("example.com", "example.com", 80, true)]
    [InlineData("example.com", "example.com", 8080, false)]
    [InlineData("example.com", "www.example.com", 443, false)]
    [InlineData("example.com", "notexample.com", 443, false)]
    [InlineData("*.example.com", "example.com", 443, false)]
    [InlineData("*.example.com", "www.example.com", 443, true)]
    [InlineData("*.example.com", "a.b.example.com", 80, true)]
    [InlineData("*.example.com", "wwwexample.com", 443, false)]
    [InlineData("*.example.com", "example.com.evil.net", 443, false)]
    [InlineData("*.example.com", "www.example.com", 22, false)]
    [InlineData("*.example.com:8443", "www.example.com", 8443, true)]
    [InlineData("*.example.com:8443", "www.example.com", 443, false)]
    [InlineData("example.com:8443", "example.com", 8443, true)]
    [InlineData("example.com:8443", "example.com", 443, false)]
    [InlineData("127.0.0.1:8080", "127.1", 8080, true)]
    [InlineData("[::1]:8080", "[0:0::1]", 8080, true)]
    public void An_allow_entry_matches_its_host_and_its_port_or_80_and_443(string entry, string host, int port, bool expected)
    {
        Assert.Equal(expected, Pattern(entry).AllowsTarget(Target(host, port)));
    }

    [Theory]
    [InlineData("evil.example", "evil.example", 443, true)]
    [InlineData("evil.example", "evil.example", 8443, true)]
    [InlineData("evil.example", "evil.example", 22, true)]
    [InlineData("evil.example:8443", "evil.example", 443, false)]
    [InlineData("*.evil.example", "evil.example", 443, false)]
    [InlineData("*.evil.example", "a.evil.example", 5000, true)]
    public void A_deny_entry_without_a_port_denies_every_port(string entry, string host, int port, bool expected)
    {
        Assert.Equal(expected, Pattern(entry).DeniesTarget(Target(host, port)));
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080, true)]
    [InlineData("0x7f.0.0.1:8080", "127.1", 8080, true)]
    [InlineData("127.0.0.1", "127.0.0.1", 80, false)]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8081, false)]
    [InlineData("*.internal.example:443", "db.internal.example", 443, false)]
    [InlineData("localhost:3000", "localhost", 3000, true)]
    public void Only_an_exact_host_with_its_port_named_names_a_target_exactly(string entry, string host, int port, bool expected)
    {
        Assert.Equal(expected, Pattern(entry).NamesExactly(Target(host, port)));
    }

    [Theory]
    [InlineData("*.Example.com:8443", "*.example.com:8443")]
    [InlineData("[::1]:8080", "[::1]:8080")]
    [InlineData("0177.0.0.1", "127.0.0.1")]
    public void An_entry_is_shown_in_its_canonical_spelling(string entry, string shown)
    {
        Assert.Equal(shown, Pattern(entry).ToString());
    }

    [Theory]
    [InlineData("http://proxy.internal:3128", "http://proxy.internal:3128")]
    [InlineData("HTTP://Proxy.Internal:3128/", "http://proxy.internal:3128")]
    [InlineData("http://[::1]:3128", "http://[::1]:3128")]
    public void An_upstream_proxy_is_an_http_url_with_host_and_port(string text, string shown)
    {
        Assert.True(UpstreamProxy.TryParse(text, out var proxy, out var problem), problem);
        Assert.Equal(shown, proxy.ToString());
    }

    [Theory]
    [InlineData("proxy.internal:3128")]
    [InlineData("https://proxy.internal:3128")]
    [InlineData("http://proxy.internal")]
    [InlineData("http://user:secret@proxy.internal:3128")]
    [InlineData("http://proxy.internal:3128/path")]
    [InlineData("http://proxy.internal:3128?x=1")]
    [InlineData("http://*.internal:3128")]
    [InlineData("http://:3128")]
    [InlineData("socks5://proxy.internal:1080")]
    public void Anything_else_is_not_an_upstream_proxy(string text)
    {
        Assert.False(UpstreamProxy.TryParse(text, out _, out var problem));
        Assert.Contains("http://HOST:PORT", problem, StringComparison.Ordinal);
    }
}
