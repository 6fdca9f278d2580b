using System.Net;

namespace AgentExec.Core.Network;

/// <summary>One block of addresses the egress proxy refuses to reach unless exactly allow-listed.</summary>
/// <param name="Network">The block's first address (IPv4 or IPv6).</param>
/// <param name="PrefixLength">How many leading bits are fixed.</param>
/// <param name="Name">What the block is, in words: <c>loopback</c>, <c>cloud metadata</c>…</param>
internal sealed record RefusedAddressRange(IPAddress Network, int PrefixLength, string Name)
{
    /// <summary>The block in CIDR notation: <c>10.0.0.0/8</c>.</summary>
    public string Cidr => $"{Network}/{PrefixLength}";

    /// <summary>Reads <c>address/prefix</c>; for the fixed table only, so a typo there throws at type initialisation.</summary>
    public static RefusedAddressRange Parse(string cidr, string name)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        return new RefusedAddressRange(
            IPAddress.Parse(cidr.AsSpan(0, slash)),
            int.Parse(cidr.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture),
            name);
    }

    /// <summary>True when <paramref name="address"/> (of the same family) lies in the block.</summary>
    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != Network.AddressFamily)
        {
            return false;
        }

        Span<byte> candidate = stackalloc byte[16];
        Span<byte> network = stackalloc byte[16];
        if (!address.TryWriteBytes(candidate, out var length) || !Network.TryWriteBytes(network, out _))
        {
            return false;
        }

        var fullBytes = PrefixLength / 8;
        if (!candidate[..fullBytes].SequenceEqual(network[..fullBytes]))
        {
            return false;
        }

        var remainingBits = PrefixLength % 8;
        if (remainingBits == 0 || fullBytes >= length)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - remainingBits));
        return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }
}
