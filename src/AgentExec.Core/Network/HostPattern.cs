using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AgentExec.Core.Network;

/// <summary>
/// One entry of <c>allowed_domains</c> or <c>denied_domains</c> (SPEC.md "Network allow-list"): an exact host
/// (<c>example.com</c>, an IPv4 literal, <c>[v6]</c>) or <c>*.example.com</c> for its subdomains, with an optional
/// <c>:port</c>.
/// </summary>
/// <remarks>
/// <para>
/// The host is kept in <see cref="NetworkTarget"/>'s canonical spelling (lower-case, no trailing dot, every numeric
/// IPv4 spelling read as its address, an IPv4-mapped IPv6 literal as its IPv4 address), so a pattern and a target are
/// compared as plain strings and no second spelling of the same host can slip past either list.
/// </para>
/// <para>
/// The grammar is deliberately narrow: <c>*</c> only as a whole first label followed by a name (not <c>*</c> alone,
/// <c>*foo.com</c>, <c>a.*.com</c>, nor <c>*.</c> before an IP literal); no scheme, path, user or query; a port in plain
/// decimal 1–65535 without leading zeros; an IPv6 literal only in brackets (a bare one cannot be told from a port).
/// Anything else is refused naming the entry, because a list entry the code reads differently from its author is a
/// hole in the list.
/// </para>
/// </remarks>
/// <param name="Kind">Exact host, or subdomains of <see cref="Host"/>.</param>
/// <param name="Host">The canonical host (for <see cref="HostPatternKind.Subdomains"/>, the suffix without <c>*.</c>).</param>
/// <param name="Port">The port the entry names; null when it names none.</param>
public sealed record HostPattern(HostPatternKind Kind, string Host, int? Port)
{
    /// <summary>The ports an allow-list entry that names no port allows (SPEC.md: "on ports 80 and 443 unless the entry names another").</summary>
    public static IReadOnlyList<int> DefaultAllowedPorts { get; } = [80, 443];

    /// <summary>
    /// Whether the entry, as an allow-list entry, lets <paramref name="target"/> through: the host matches and the
    /// port is the one named, or 80/443 when none is named.
    /// </summary>
    public bool AllowsTarget(NetworkTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return MatchesHost(target.Host) && (Port is { } port ? target.Port == port : DefaultAllowedPorts.Contains(target.Port));
    }

    /// <summary>
    /// Whether the entry, as a deny-list entry, refuses <paramref name="target"/>: the host matches and the port is
    /// the one named, or any port when none is named.
    /// </summary>
    /// <remarks>
    /// Deliberately wider than <see cref="AllowsTarget"/>: <c>evil.example</c> on the deny list must refuse
    /// <c>evil.example:8443</c> too; the 80/443 default limits what an entry lets through, never what it shuts out.
    /// </remarks>
    public bool DeniesTarget(NetworkTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return MatchesHost(target.Host) && (Port is not { } port || target.Port == port);
    }

    /// <summary>
    /// Whether the entry names exactly <paramref name="target"/>'s host and, explicitly, its port: the only kind of
    /// entry that lets a refused address (loopback, private, metadata…) through.
    /// </summary>
    public bool NamesExactly(NetworkTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Kind == HostPatternKind.Exact && Port is { } port && port == target.Port
            && string.Equals(Host, target.Host, StringComparison.Ordinal);
    }

    /// <summary>The entry in its canonical spelling: <c>*.example.com</c>, <c>example.com:8443</c>, <c>[::1]:8080</c>.</summary>
    public override string ToString()
    {
        var host = Kind == HostPatternKind.Subdomains
            ? "*." + Host
            : Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        return Port is { } port ? $"{host}:{port.ToString(CultureInfo.InvariantCulture)}" : host;
    }

    /// <summary>Reads one list entry as the user wrote it.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="pattern">The pattern, when the entry is understood.</param>
    /// <param name="problem">Why not, as a phrase that follows the quoted entry.</param>
    /// <returns>Whether the entry is a pattern.</returns>
    public static bool TryParse(string entry, [NotNullWhen(true)] out HostPattern? pattern, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(entry);
        pattern = null;
        if (entry.Length == 0)
        {
            problem = "is empty";
            return false;
        }

        if (entry.Contains("://", StringComparison.Ordinal) || entry.Contains('/', StringComparison.Ordinal))
        {
            problem = "is a URL or a path; write only the host, with an optional :port";
            return false;
        }

        if (!TrySplitPort(entry, out var host, out var port, out problem))
        {
            return false;
        }

        var kind = HostPatternKind.Exact;
        if (host.StartsWith("*.", StringComparison.Ordinal))
        {
            kind = HostPatternKind.Subdomains;
            host = host[2..];
        }

        if (host.Contains('*', StringComparison.Ordinal))
        {
            problem = "has a '*' that is not a whole first label ('*.example.com' is the only wildcard)";
            return false;
        }

        // The canonical spelling is NetworkTarget's, so both lists and the proxy's targets compare equal strings.
        if (!NetworkTarget.TryCreate(host, port ?? DefaultAllowedPorts[0], out var target, out var hostProblem))
        {
            problem = $"is not a host name or IP literal: {hostProblem}";
            return false;
        }

        if (kind == HostPatternKind.Subdomains && target.Address is not null)
        {
            problem = "puts '*.' before an IP literal; a wildcard needs a domain name";
            return false;
        }

        pattern = new HostPattern(kind, target.Host, port);
        problem = null;
        return true;
    }

    private bool MatchesHost(string host) => Kind == HostPatternKind.Exact
        ? string.Equals(host, Host, StringComparison.Ordinal)
        : host.Length > Host.Length + 1 && host.EndsWith(Host, StringComparison.Ordinal) && host[^(Host.Length + 1)] == '.'
          && !System.Net.IPAddress.TryParse(host, out _);

    /// <summary>Splits <c>host[:port]</c> and <c>[v6][:port]</c>; a bare IPv6 literal is refused as ambiguous.</summary>
    private static bool TrySplitPort(string entry, out string host, out int? port, [NotNullWhen(false)] out string? problem)
    {
        host = entry;
        port = null;
        problem = null;
        string? portText = null;
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                problem = "has '[' without ']'";
                return false;
            }

            host = entry[..(close + 1)];
            var rest = entry[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    problem = "has something other than ':port' after ']'";
                    return false;
                }

                portText = rest[1..];
            }
        }
        else
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                if (entry.IndexOf(':', colon + 1) >= 0)
                {
                    problem = "has more than one ':'; write an IPv6 literal in brackets: [2001:db8::1]:443";
                    return false;
                }

                host = entry[..colon];
                portText = entry[(colon + 1)..];
            }
        }

        if (portText is not null)
        {
            if (!TryParsePort(portText, out var number))
            {
                problem = "has a port that is not a number from 1 to 65535 (plain decimal, no leading zero)";
                return false;
            }

            port = number;
        }

        return true;
    }

    private static bool TryParsePort(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 && text[0] != '0'
            && !text.AsSpan().ContainsAnyExceptInRange('0', '9')
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is >= 1 and <= 65_535;
    }
}
