using AgentExec.Core.Network;

namespace AgentExec.Tests.Core.Network;

/// <summary>
/// NetworkTarget's one canonical spelling: every numeric IPv4 spelling a C resolver accepts is read as its address, and
/// anything not exactly understood is no target at all (so no spelling of a refused address passes as a name).
/// </summary>
public sealed class NetworkTargetTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("127.1", "127.0.0.1")]
    [InlineData("127.0.1", "127.0.0.1")]
    [InlineData("2130706433", "127.0.0.1")]
    [InlineData("0x7f.0.0.1", "127.0.0.1")]
    [InlineData("0X7F.0.0.1", "127.0.0.1")]
    [InlineData("0x7f000001", "127.0.0.1")]
    [InlineData("0177.0.0.1", "127.0.0.1")]
    [InlineData("017700000001", "127.0.0.1")]
    [InlineData("0251.0376.0251.0376", "169.254.169.254")]
    [InlineData("10.1", "10.0.0.1")]
    [InlineData("0", "0.0.0.0")]
    [InlineData("127.0.0.1.", "127.0.0.1")]
    [InlineData("[::ffff:127.0.0.1]", "127.0.0.1")]
    [InlineData("[::ffff:7f00:1]", "127.0.0.1")]
    [InlineData("::ffff:a9fe:a9fe", "169.254.169.254")]
    [InlineData("[::1]", "::1")]
    [InlineData("[0:0:0:0:0:0:0:1]", "::1")]
    [InlineData("[FD00:EC2::254]", "fd00:ec2::254")]
    public void Every_numeric_spelling_is_read_as_the_address_it_names(string host, string expected)
    {
        // Act
        var created = NetworkTarget.TryCreate(host, 443, out var target, out var error);

        // Assert
        Assert.True(created, error);
        Assert.Equal(expected, target!.Host);
        Assert.NotNull(target.Address);
    }

    [Theory]
    [InlineData("Example.COM", "example.com")]
    [InlineData("example.com.", "example.com")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("1.2.3.4.example", "1.2.3.4.example")]
    [InlineData("0x7f.example", "0x7f.example")]
    [InlineData("0x1g", "0x1g")]
    public void A_name_is_lower_cased_without_its_trailing_dot_and_stays_a_name(string host, string expected)
    {
        // Act
        var created = NetworkTarget.TryCreate(host, 80, out var target, out var error);

        // Assert
        Assert.True(created, error);
        Assert.Equal(expected, target!.Host);
        Assert.Null(target.Address);
    }

    [Theory]
    [InlineData("1.2.3.256")]
    [InlineData("08.1")]
    [InlineData("09")]
    [InlineData("0x")]
    [InlineData("[2001:db8::1%25eth0]")]
    [InlineData("[::1%lo]")]
    [InlineData("1.2.3.4.5")]
    [InlineData("4294967296")]
    [InlineData("256.1")]
    [InlineData("example.123")]
    [InlineData("bücher.example")]
    [InlineData("exam%70le.com")]
    [InlineData("[fe80::1%25eth0]")]
    [InlineData("fe80::1%eth0")]
    [InlineData("exa mple.com")]
    [InlineData("a..b")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("[::1")]
    [InlineData("[127.0.0.1]")]
    [InlineData("user@example.com")]
    public void A_host_that_is_not_exactly_understood_is_no_target(string host)
    {
        // Act
        var created = NetworkTarget.TryCreate(host, 443, out var target, out var error);

        // Assert
        Assert.False(created, $"read as {target}");
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65_536)]
    public void A_port_outside_1_to_65535_is_no_target(int port)
    {
        Assert.False(NetworkTarget.TryCreate("example.com", port, out _, out _));
    }

    [Fact]
    public void An_IPv6_target_is_written_in_brackets_so_host_and_port_stay_apart()
    {
        // Arrange
        Assert.True(NetworkTarget.TryCreate("[2001:db8::1]", 8443, out var v6, out _));
        Assert.True(NetworkTarget.TryCreate("example.com", 443, out var name, out _));

        // Act / Assert
        Assert.Equal("[2001:db8::1]:8443", v6.ToString());
        Assert.Equal("example.com:443", name.ToString());
    }
}
