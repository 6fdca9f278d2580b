using System.Globalization;

namespace AgentExec.Core.Network.Proxy;

/// <summary>
/// Reads an authority (<c>host:port</c>, <c>[v6]:port</c>, or a host alone where a default port applies) into a
/// <see cref="NetworkTarget"/>, and reads a plain-HTTP request's absolute URI.
/// </summary>
internal static class ProxyAuthority
{
    /// <summary>
    /// Reads <paramref name="authority"/>; with <paramref name="defaultPort"/> null the port is required (CONNECT).
    /// No user information, no bare IPv6, no empty port: anything another parser could read differently is a 400.
    /// </summary>
    /// <exception cref="ProxyRequestRejectedException">400, saying what was wrong.</exception>
    public static NetworkTarget Parse(string authority, int? defaultPort)
    {
        if (authority.Contains('@', StringComparison.Ordinal))
        {
            throw Bad("the authority carries user information");
        }

        string host;
        string? port;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Bad("the IPv6 literal has no closing bracket");
            }

            host = authority[..(close + 1)];
            var after = authority[(close + 1)..];
            port = after.Length == 0 ? null : after.StartsWith(':') ? after[1..] : throw Bad("text follows the IPv6 literal");
        }
        else
        {
            var colon = authority.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && authority.IndexOf(':', colon + 1) >= 0)
            {
                throw Bad("the authority has more than one ':' (an IPv6 literal needs brackets)");
            }

            host = colon < 0 ? authority : authority[..colon];
            port = colon < 0 ? null : authority[(colon + 1)..];
        }

        var portNumber = port is null
            ? defaultPort ?? throw Bad("the authority has no port")
            : ParsePort(port);
        return NetworkTarget.TryCreate(host, portNumber, out var target, out var error) ? target : throw Bad(error);
    }

    /// <summary>
    /// Reads an absolute-form request target <c>http://authority[/path][?query]</c> into its target (port 80 by default)
    /// and the origin-form to send upstream.
    /// </summary>
    /// <exception cref="ProxyRequestRejectedException">400 for any other scheme or shape (an origin-form target too).</exception>
    public static (NetworkTarget Target, string OriginForm) ParseAbsoluteUri(string requestTarget)
    {
        const string scheme = "http://";
        if (!requestTarget.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw Bad("the request target is not an absolute http:// URI (send requests to the proxy in absolute form)");
        }

        if (requestTarget.Contains('#', StringComparison.Ordinal))
        {
            throw Bad("the request target carries a fragment");
        }

        var rest = requestTarget[scheme.Length..];
        var end = rest.AsSpan().IndexOfAny('/', '?');
        var authority = end < 0 ? rest : rest[..end];
        var path = end < 0 ? "/" : rest[end] == '?' ? "/" + rest[end..] : rest[end..];
        return (Parse(authority, 80), path);
    }

    private static int ParsePort(string port)
    {
        // 1-5 ASCII digits: no sign, no blank, no hex; int.Parse alone would take "+80" and " 80".
        if (port.Length is 0 or > 5 || port.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            throw Bad("the port is not 1-5 decimal digits");
        }

        var value = int.Parse(port, NumberStyles.None, CultureInfo.InvariantCulture);
        return value is >= 1 and <= 65_535 ? value : throw Bad("the port is not between 1 and 65535");
    }

    private static ProxyRequestRejectedException Bad(string reason) => new(400, reason);
}
