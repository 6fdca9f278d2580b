using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AgentExec.Core.Network;

/// <summary>
/// The user config's <c>network.upstream_proxy</c>: an HTTP proxy the egress proxy chains to (SPEC.md: "may chain to an
/// upstream proxy the user configures").
/// </summary>
/// <remarks>
/// Only <c>http://host:port</c> (an optional trailing <c>/</c>): no user information, because a password in the config
/// would end up in <c>check</c> and the logs; no path or query, which a proxy does not use; no <c>https://</c>, which would
/// need a TLS client the proxy does not have. The port is required so that nothing is guessed.
/// </remarks>
/// <param name="Host">The proxy's host, canonical as in <see cref="NetworkTarget"/>.</param>
/// <param name="Port">The proxy's port.</param>
public sealed record UpstreamProxy(string Host, int Port)
{
    private const string Scheme = "http://";

    /// <summary>The proxy as a URL: <c>http://host:port</c> (IPv6 in brackets).</summary>
    public override string ToString() =>
        $"{Scheme}{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reads <c>http://host:port</c>.</summary>
    /// <param name="text">The value as written.</param>
    /// <param name="proxy">The proxy, when understood.</param>
    /// <param name="problem">Why not.</param>
    /// <returns>Whether the value is an upstream proxy.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out UpstreamProxy? proxy, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        proxy = null;
        const string Expected = "expected http://HOST:PORT (no user, path or query)";
        if (!text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            problem = Expected;
            return false;
        }

        var authority = text[Scheme.Length..];
        if (authority.EndsWith('/'))
        {
            authority = authority[..^1];
        }

        // The authority has the grammar of an exact host:port list entry; reusing it keeps one reading of hosts.
        if (authority.Contains('@', StringComparison.Ordinal) || authority.Contains('*', StringComparison.Ordinal)
            || !HostPattern.TryParse(authority, out var pattern, out _) || pattern.Port is not { } port)
        {
            problem = Expected;
            return false;
        }

        proxy = new UpstreamProxy(pattern.Host, port);
        problem = null;
        return true;
    }
}
