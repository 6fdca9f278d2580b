using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace AgentExec.Core.Network;

/// <summary>
/// The one list of addresses the egress proxy refuses unless an allow-list entry names the exact host (or IP) and port
/// (SPEC.md "Network allow-list": <c>0.0.0.0/8</c>, loopback, private, link-local, CGNAT, <c>fc00::/7</c>, NAT64,
/// multicast, cloud metadata). docs/sandbox.md repeats it for people.
/// </summary>
/// <remarks>
/// <para>
/// Where the SPEC leaves room, the list is stricter: every IANA special-purpose block that is not a public unicast
/// destination is in it (documentation, benchmarking, reserved <c>240/4</c> and broadcast, the deprecated IPv6
/// site-local and IPv4-compatible blocks, Teredo, discard-only), because a command has no business reaching any of
/// them and some (benchmarking <c>198.18/15</c>) are used for internal networks and fake-IP DNS in practice.
/// </para>
/// <para>
/// IPv6 addresses that carry an IPv4 address are judged by it: IPv4-mapped <c>::ffff:0:0/96</c> (the socket would
/// reach that IPv4 address) and 6to4 <c>2002::/16</c> (the embedded address is the tunnel's far end). NAT64
/// (<c>64:ff9b::/96</c>, <c>64:ff9b:1::/48</c>) and SIIT-translated <c>::ffff:0:0:0/96</c> are refused whole: a
/// translator on the host's network decides where they go, which this check cannot see. The cloud metadata addresses
/// come first so a refusal names them as such; all but Azure's lie inside a wider block anyway. Azure's
/// <c>168.63.129.16</c> is a public address that answers only from inside Azure, with the VM's platform secrets.
/// </para>
/// </remarks>
internal static class RefusedAddressRanges
{
    /// <summary>The blocks, most specific first, so the first match gives the best name.</summary>
    public static IReadOnlyList<RefusedAddressRange> All { get; } =
    [
        RefusedAddressRange.Parse("169.254.169.254/32", "cloud metadata"),
        RefusedAddressRange.Parse("100.100.100.200/32", "cloud metadata"),
        RefusedAddressRange.Parse("168.63.129.16/32", "cloud platform endpoint"),
        RefusedAddressRange.Parse("fd00:ec2::254/128", "cloud metadata"),
        RefusedAddressRange.Parse("255.255.255.255/32", "broadcast"),
        RefusedAddressRange.Parse("0.0.0.0/8", "\"this network\""),
        RefusedAddressRange.Parse("127.0.0.0/8", "loopback"),
        RefusedAddressRange.Parse("10.0.0.0/8", "private"),
        RefusedAddressRange.Parse("172.16.0.0/12", "private"),
        RefusedAddressRange.Parse("192.168.0.0/16", "private"),
        RefusedAddressRange.Parse("169.254.0.0/16", "link-local"),
        RefusedAddressRange.Parse("100.64.0.0/10", "shared address space (CGNAT)"),
        RefusedAddressRange.Parse("192.0.0.0/24", "IETF protocol assignments"),
        RefusedAddressRange.Parse("192.0.2.0/24", "documentation"),
        RefusedAddressRange.Parse("198.51.100.0/24", "documentation"),
        RefusedAddressRange.Parse("203.0.113.0/24", "documentation"),
        RefusedAddressRange.Parse("192.88.99.0/24", "6to4 relay anycast (deprecated)"),
        RefusedAddressRange.Parse("198.18.0.0/15", "benchmarking"),
        RefusedAddressRange.Parse("224.0.0.0/4", "multicast"),
        RefusedAddressRange.Parse("240.0.0.0/4", "reserved"),
        RefusedAddressRange.Parse("::/128", "unspecified"),
        RefusedAddressRange.Parse("::1/128", "loopback"),
        RefusedAddressRange.Parse("::/96", "IPv4-compatible (deprecated)"),
        RefusedAddressRange.Parse("::ffff:0:0:0/96", "IPv4-translated (SIIT)"),
        RefusedAddressRange.Parse("64:ff9b::/96", "NAT64"),
        RefusedAddressRange.Parse("64:ff9b:1::/48", "NAT64 (local use)"),
        RefusedAddressRange.Parse("100::/64", "discard-only"),
        RefusedAddressRange.Parse("2001::/32", "Teredo"),
        RefusedAddressRange.Parse("2001:db8::/32", "documentation"),
        RefusedAddressRange.Parse("fc00::/7", "unique local"),
        RefusedAddressRange.Parse("fe80::/10", "link-local"),
        RefusedAddressRange.Parse("fec0::/10", "site-local (deprecated)"),
        RefusedAddressRange.Parse("ff00::/8", "multicast"),
    ];

    private static readonly RefusedAddressRange SixToFour = RefusedAddressRange.Parse("2002::/16", "6to4");

    /// <summary>Finds why <paramref name="address"/> is refused.</summary>
    /// <param name="address">An address from DNS or an IP literal.</param>
    /// <param name="reason">When refused: <c>10.1.2.3 is in 10.0.0.0/8 (private)</c>.</param>
    /// <returns>True when the address is refused; an address of any other family is refused too.</returns>
    public static bool IsRefused(IPAddress address, [NotNullWhen(true)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            reason = $"{address} is not an IPv4 or IPv6 address";
            return true;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            var inner = address.MapToIPv4();
            return Judge(inner, out reason, $"{address} maps to {inner}, which ");
        }

        if (SixToFour.Contains(address))
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            var inner = new IPAddress(bytes.Slice(2, 4));
            return Judge(inner, out reason, $"{address} is 6to4 for {inner}, which ");
        }

        return Judge(address, out reason, "");
    }

    private static bool Judge(IPAddress address, [NotNullWhen(true)] out string? reason, string prefix)
    {
        foreach (var range in All)
        {
            if (range.Contains(address))
            {
                reason = prefix.Length == 0
                    ? $"{address} is in {range.Cidr} ({range.Name})"
                    : $"{prefix}is in {range.Cidr} ({range.Name})";
                return true;
            }
        }

        reason = null;
        return false;
    }
}
