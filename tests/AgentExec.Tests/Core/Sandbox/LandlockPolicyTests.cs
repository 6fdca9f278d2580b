using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

public sealed class LandlockPolicyTests
{
    // A root directory as the policy reads it: two directories, a file, and /dev.
    private static readonly (string, bool)[] RootEntries = [("/usr", true), ("/dev", true), ("/etc", true), ("/vmlinuz", false)];

    private static readonly LandlockLaunchOptions WorkspaceWrite = new(["/ws", "/root2"], "/tmp/fresh", NetworkAllowed: false, AbiLimit: null, ["bash"]);

    [Theory]
    [InlineData(1, 0x1FFFUL)]
    [InlineData(2, 0x3FFFUL)]
    [InlineData(3, 0x7FFFUL)]
    [InlineData(4, 0x7FFFUL)]
    [InlineData(5, 0xFFFFUL)]
    [InlineData(7, 0xFFFFUL)]
    [InlineData(9, 0x1FFFFUL)]
    [InlineData(42, 0x1FFFFUL)]
    public void Every_file_system_right_the_abi_knows_is_handled(int kernelAbi, ulong expected)
    {
        // Act
        var policy = LandlockPolicy.For(WorkspaceWrite, kernelAbi);

        // Assert
        Assert.Equal(expected, policy.Handled.HandledAccessFs);
    }

    [Fact]
    public void Everything_is_readable_and_only_the_writable_roots_and_the_fresh_directory_get_every_right()
    {
        // Act
        var policy = LandlockPolicy.For(WorkspaceWrite, 7);

        // Assert
        var all = policy.Handled.HandledAccessFs;
        Assert.Contains(new LandlockGrant("/usr", LandlockRights.ReadFile | LandlockRights.ReadDir | LandlockRights.Execute, IsDirectory: true, IfPresent: true), policy.Grants);
        Assert.DoesNotContain(policy.Grants, grant => grant.Path is "/" or "/dev" or "/dev/pts" or "/dev/shm" or "/dev/tty");
        Assert.Contains(new LandlockGrant("/ws", all, IsDirectory: true, WithoutLinks: true), policy.Grants);
        Assert.Contains(new LandlockGrant("/root2", all, IsDirectory: true, WithoutLinks: true), policy.Grants);
        Assert.Contains(new LandlockGrant("/tmp/fresh", all, IsDirectory: true, WithoutLinks: true), policy.Grants);
        Assert.All(policy.Grants.Where(grant => !grant.IsDirectory), grant => Assert.Equal(0UL, grant.Access & ~LandlockRights.ApplicableToFiles));
    }

    [Fact]
    public void Read_only_grants_nothing_writable_but_the_harmless_devices()
    {
        // Act
        var policy = LandlockPolicy.For(new LandlockLaunchOptions([], null, NetworkAllowed: false, AbiLimit: null, ["bash"]), 7, RootEntries);

        // Assert: each entry of / but /dev, read only; then the devices.
        Assert.Equal(["/usr", "/etc", "/vmlinuz", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"], policy.Grants.Select(grant => grant.Path));
        Assert.All(policy.Grants.Where(grant => !grant.Path.StartsWith("/dev/", StringComparison.Ordinal)), grant => Assert.Equal(0UL, grant.Access & ~LandlockRights.ReadAndExecute));
        Assert.Equal(LandlockRights.ReadFile, Assert.Single(policy.Grants, grant => grant.Path == "/dev/urandom").Access);
    }

    [Theory]
    [InlineData(false, 3, 0UL, true)]
    [InlineData(false, 4, 0x3UL, true)]
    [InlineData(true, 7, 0UL, false)]
    public void Network_off_is_refused_by_seccomp_on_every_abi_and_by_landlock_too_from_abi_4(bool networkAllowed, int abi, ulong handledNet, bool refuseSockets)
    {
        // Act
        var policy = LandlockPolicy.For(WorkspaceWrite with { NetworkAllowed = networkAllowed }, abi);

        // Assert
        Assert.Equal((handledNet, refuseSockets), (policy.Handled.HandledAccessNet, policy.RefuseNonLocalSockets));
    }

    [Theory]
    [InlineData(false, 8, true)]
    [InlineData(false, 9, false)]
    [InlineData(true, 7, false)]
    public void Unix_sockets_are_refused_with_the_network_off_until_landlock_can_restrict_their_paths(bool networkAllowed, int abi, bool refuseUnix)
    {
        var policy = LandlockPolicy.For(WorkspaceWrite with { NetworkAllowed = networkAllowed }, abi);

        Assert.Equal(refuseUnix, policy.RefuseUnixSockets);
    }

    [Theory]
    [InlineData(5, 0UL)]
    [InlineData(6, 0x3UL)]
    public void Signals_and_abstract_sockets_are_scoped_from_abi_6(int abi, ulong scoped)
    {
        Assert.Equal(scoped, LandlockPolicy.For(WorkspaceWrite, abi).Handled.Scoped);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void Truncation_is_left_to_seccomp_below_abi_3(int abi, bool refused)
    {
        Assert.Equal(refused, LandlockPolicy.For(WorkspaceWrite, abi).RefuseReadOnlyTruncation);
    }

    [Fact]
    public void The_abi_limit_caps_the_kernel_abi()
    {
        // Act
        var policy = LandlockPolicy.For(WorkspaceWrite with { AbiLimit = 2 }, 7);

        // Assert
        Assert.Equal((2, 0x3FFFUL, 0UL, true), (policy.Abi, policy.Handled.HandledAccessFs, policy.Handled.Scoped, policy.RefuseReadOnlyTruncation));
    }
}
