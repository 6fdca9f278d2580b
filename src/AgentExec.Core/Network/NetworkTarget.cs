using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AgentExec.Core.Network;

/// <summary>
/// One destination a sandboxed command asked the egress proxy for (a CONNECT target, or a plain-HTTP request's
/// <c>Host</c>), in the one canonical spelling every decision, question, audit event and session approval uses.
/// </summary>
/// <remarks>
/// Canonical means: a DNS name in lower-case ASCII without a trailing dot, made only of letters, digits, <c>-</c> and
/// <c>_</c> in labels of 1–63 characters; or an IP literal in <see cref="IPAddress.ToString"/> form without brackets
/// (an IPv4-mapped IPv6 address is shown as its IPv4 address). Anything else (non-ASCII, an empty label, a space, a
/// percent sign, a zone id) is not a target at all: the proxy refuses it before any decision. The numeric IPv4
/// spellings <c>inet_aton</c> accepts (<c>127.1</c>, <c>2130706433</c>, <c>0x7f.0.0.1</c>, <c>0177.0.0.1</c>) are read as
/// the address they name, so no spelling of a refused address passes as a name.
/// </remarks>
/// <param name="Host">The canonical host.</param>
/// <param name="Port">The TCP port, 1–65535.</param>
public sealed record NetworkTarget(string Host, int Port)
{
    /// <summary>The literal address when <see cref="Host"/> is an IP literal, else null.</summary>
    public IPAddress? Address => IPAddress.TryParse(Host, out var address) ? address : null;

    /// <summary><c>host:port</c>, with brackets around an IPv6 literal; the key a session approval remembers.</summary>
    public override string ToString() =>
        Address is { AddressFamily: AddressFamily.InterNetworkV6 }
            ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Reads a host as a client wrote it (brackets allowed around IPv6) and a port, into the canonical target.
    /// </summary>
    /// <returns>False, with <paramref name="error"/> saying why, for anything that is not exactly understood.</returns>
    public static bool TryCreate(
        string host, int port, [NotNullWhen(true)] out NetworkTarget? target, [NotNullWhen(false)] out string? error)
    {
        target = null;
        if (port is < 1 or > 65_535)
        {
            error = "the port is not between 1 and 65535";
            return false;
        }

        if (TryCanonicalHost(host, out var canonical, out error))
        {
            target = new NetworkTarget(canonical, port);
            return true;
        }

        return false;
    }

    private static bool TryCanonicalHost(
        string host, [NotNullWhen(true)] out string? canonical, [NotNullWhen(false)] out string? error)
    {
        canonical = null;
        if (host.Length is 0 or > 253 + 2)
        {
            error = "the host name is empty or too long";
            return false;
        }

        // IPAddress.TryParse drops a zone id it cannot resolve ("[fe80::1%25eth0]" reads as fe80::1), so a '%' is
        // refused before it can be read as anything: a zone id or a percent-escape is never a target.
        if (host.Contains('%', StringComparison.Ordinal))
        {
            error = "the host contains '%' (a zone id or a percent-escape)";
            return false;
        }

        if (host[0] == '[')
        {
            if (host[^1] != ']' || !IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out var v6) ||
                v6.AddressFamily != AddressFamily.InterNetworkV6 || v6.ScopeId != 0)
            {
                error = "the bracketed host is not a plain IPv6 address";
                return false;
            }

            canonical = Canonical(v6);
            error = null;
            return true;
        }

        if (host.Contains(':', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(host, out var bare) || bare.AddressFamily != AddressFamily.InterNetworkV6 || bare.ScopeId != 0)
            {
                error = "the host contains ':' but is not a plain IPv6 address";
                return false;
            }

            canonical = Canonical(bare);
            error = null;
            return true;
        }

        var name = host.EndsWith('.') ? host[..^1] : host;
        if (InetAton.TryParse(name, out var v4))
        {
            canonical = v4.ToString();
            error = null;
            return true;
        }

        if (InetAton.LooksNumeric(name))
        {
            error = "the host's last label is numeric but the host is not a valid IPv4 address";
            return false;
        }

        if (name.Length is 0 or > 253)
        {
            error = "the host name is empty or too long";
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63)
            {
                error = "the host name has an empty or over-long label";
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    error = "the host name has a character outside letters, digits, '-' and '_' (IDN names must be sent as punycode)";
                    return false;
                }
            }
        }

        canonical = name.ToLowerInvariant();
        error = null;
        return true;
    }

    private static string Canonical(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString();
}
