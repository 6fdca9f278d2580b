using System.Net;
using AgentExec.Core.Network;

namespace AgentExec.Tests.Core.Network;

/// <summary>InetAton reads exactly what glibc's inet_aton reads, and says when a host only looks numeric.</summary>
public sealed class InetAtonTests
{
    [Theory]
    [InlineData("1.2.3.4", "1.2.3.4")]
    [InlineData("1.2.772", "1.2.3.4")]
    [InlineData("1.131844", "1.2.3.4")]
    [InlineData("16909060", "1.2.3.4")]
    [InlineData("0x01.0x02.0x03.0x04", "1.2.3.4")]
    [InlineData("01.02.03.04", "1.2.3.4")]
    [InlineData("0x01020304", "1.2.3.4")]
    [InlineData("00000000001.2.3.4", "1.2.3.4")]
    [InlineData("4294967295", "255.255.255.255")]
    [InlineData("0xffffffff", "255.255.255.255")]
    public void It_reads_every_inet_aton_spelling(string text, string expected)
    {
        Assert.True(InetAton.TryParse(text, out var address));
        Assert.Equal(IPAddress.Parse(expected), address);
    }

    [Theory]
    [InlineData("1.2.3.256")]
    [InlineData("1.2.65536")]
    [InlineData("1.16777216")]
    [InlineData("4294967296")]
    [InlineData("08")]
    [InlineData("0x")]
    [InlineData("1..2")]
    [InlineData("1.2.3.4.5")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("１")]
    [InlineData("")]
    [InlineData("0x1234567890123")]
    public void It_refuses_what_is_not_an_address(string text)
    {
        Assert.False(InetAton.TryParse(text, out _));
    }

    [Theory]
    [InlineData("example.123", true)]
    [InlineData("a.0x1f", true)]
    [InlineData("08", true)]
    [InlineData("example.com", false)]
    [InlineData("123.example", false)]
    [InlineData("a.0xg", false)]
    public void A_host_whose_last_label_is_numeric_looks_numeric(string host, bool expected)
    {
        Assert.Equal(expected, InetAton.LooksNumeric(host));
    }
}
