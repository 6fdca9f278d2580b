using System.Net;
using AgentExec.Core.Network;

namespace AgentExec.Tests.Core.Network;

/// <summary>The refused address ranges: every block SPEC.md names, edge addresses on both sides, embedded IPv4 judged.</summary>
public sealed class RefusedAddressRangesTests
{
    [Theory]
    [InlineData("0.0.0.0", "0.0.0.0/8")]
    [InlineData("0.255.255.255", "0.0.0.0/8")]
    [InlineData("127.0.0.1", "127.0.0.0/8 (loopback)")]
    [InlineData("127.255.255.254", "127.0.0.0/8")]
    [InlineData("10.0.0.0", "10.0.0.0/8 (private)")]
    [InlineData("10.255.255.255", "10.0.0.0/8")]
    [InlineData("172.16.0.1", "172.16.0.0/12")]
    [InlineData("172.31.255.255", "172.16.0.0/12")]
    [InlineData("192.168.1.1", "192.168.0.0/16")]
    [InlineData("169.254.1.1", "169.254.0.0/16 (link-local)")]
    [InlineData("169.254.169.254", "169.254.169.254/32 (cloud metadata)")]
    [InlineData("100.64.0.1", "100.64.0.0/10")]
    [InlineData("100.127.255.255", "100.64.0.0/10")]
    [InlineData("100.100.100.200", "100.100.100.200/32 (cloud metadata)")]
    [InlineData("168.63.129.16", "168.63.129.16/32 (cloud platform endpoint)")]
    [InlineData("224.0.0.1", "224.0.0.0/4 (multicast)")]
    [InlineData("239.255.255.255", "224.0.0.0/4")]
    [InlineData("240.0.0.1", "240.0.0.0/4 (reserved)")]
    [InlineData("255.255.255.255", "255.255.255.255/32 (broadcast)")]
    [InlineData("198.18.0.1", "198.18.0.0/15")]
    [InlineData("192.0.0.192", "192.0.0.0/24")]
    [InlineData("::", "::/128 (unspecified)")]
    [InlineData("::1", "::1/128 (loopback)")]
    [InlineData("::127.0.0.1", "::/96")]
    [InlineData("fe80::1", "fe80::/10 (link-local)")]
    [InlineData("febf:ffff::1", "fe80::/10")]
    [InlineData("fc00::1", "fc00::/7 (unique local)")]
    [InlineData("fdff::1", "fc00::/7")]
    [InlineData("fd00:ec2::254", "fd00:ec2::254/128 (cloud metadata)")]
    [InlineData("ff02::1", "ff00::/8 (multicast)")]
    [InlineData("64:ff9b::808:808", "64:ff9b::/96 (NAT64)")]
    [InlineData("64:ff9b:1::1", "64:ff9b:1::/48")]
    [InlineData("2001:0:4136:e378::1", "2001::/32 (Teredo)")]
    [InlineData("fec0::1", "fec0::/10")]
    [InlineData("::ffff:0:a00:1", "::ffff:0:0:0/96")]
    public void An_address_in_a_refused_block_is_refused_naming_the_block(string text, string named)
    {
        // Act
        var refused = RefusedAddressRanges.IsRefused(IPAddress.Parse(text), out var reason);

        // Assert
        Assert.True(refused);
        Assert.Contains(named, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1", "127.0.0.0/8 (loopback)")]
    [InlineData("::ffff:169.254.169.254", "cloud metadata")]
    [InlineData("2002:7f00:1::1", "127.0.0.0/8 (loopback)")]
    [InlineData("2002:a9fe:a9fe::", "cloud metadata")]
    [InlineData("2002:c0a8:101::1", "192.168.0.0/16")]
    public void An_IPv6_address_that_carries_an_IPv4_address_is_judged_by_it(string text, string named)
    {
        // Act
        var refused = RefusedAddressRanges.IsRefused(IPAddress.Parse(text), out var reason);

        // Assert
        Assert.True(refused);
        Assert.Contains(named, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.1.1.1")]
    [InlineData("8.8.8.8")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("223.255.255.255")]
    [InlineData("128.0.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:808:808::1")]
    [InlineData("fbff:ffff::1")]
    public void A_public_address_is_not_refused(string text)
    {
        Assert.False(RefusedAddressRanges.IsRefused(IPAddress.Parse(text), out var reason), reason);
    }
}
