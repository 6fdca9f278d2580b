using AgentExec.Core.Commands;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Credentials;

/// <summary>
/// Paths the credential check cannot read faithfully are never taken as harmless: a link target or a file name that is
/// not UTF-8 (.NET would carry it with U+FFFD in place of its bytes, naming another path), and a resolved path past
/// PATH_MAX (readlink fails with ENAMETOOLONG while the kernel still follows the links one by one). Each case reads
/// ~/.aws/credentials for real in bash, the positive control that the danger is there.
/// </summary>
public sealed class UnreadablePathTests : IDisposable
{
    private readonly ProofMachine machine = new();

    public UnreadablePathTests()
    {
        Directory.CreateDirectory(Path.Combine(machine.Home, ".aws"));
        File.WriteAllText(Path.Combine(machine.Home, ".aws", "credentials"), "aws_secret_access_key=SECRET\n");
    }

    public void Dispose()
    {
        DeepTree.Remove(machine.Workspace);

        machine.Dispose();
    }

    [Fact]
    public void A_link_whose_target_is_not_UTF8_is_not_known_safe()
    {
        Shell($"ln -s '{machine.Home}/.aws' \"$(printf 'x\\377')\" && ln -s \"$(printf 'x\\377')/credentials\" L");

        Assert.Equal("aws_secret_access_key=SECRET\n", Shell("cat L"));
        Assert.NotEqual(CommandSafety.KnownSafe, Assert.Single(machine.Analyze("cat L", credentialsHidden: false).Parts).Safety);
    }

    [Fact]
    public void A_pattern_that_expands_to_a_name_that_is_not_UTF8_is_not_known_safe()
    {
        Shell($"ln -s '{machine.Home}/.aws/credentials' \"$(printf 'qz\\377')\"");

        Assert.Equal("aws_secret_access_key=SECRET\n", Shell("cat qz*"));
        Assert.NotEqual(CommandSafety.KnownSafe, Assert.Single(machine.Analyze("cat qz*", credentialsHidden: false).Parts).Safety);
    }

    [Fact]
    public void A_path_that_resolves_past_PATH_MAX_is_not_known_safe()
    {
        // Three links, each to ten nested 200-character directories: x/y/z resolves to a 6,000-byte path.
        var level = string.Join('/', Enumerable.Repeat(new string('d', 200), 10));
        Shell($"for n in x y z; do ln -s '{level}' $n; mkdir -p '{level}'; cd '{level}'; done; ln -s '{machine.Home}/.aws/credentials' creds");

        Assert.Equal("aws_secret_access_key=SECRET\n", Shell("cat x/y/z/creds"));
        Assert.NotEqual(CommandSafety.KnownSafe, Assert.Single(machine.Analyze("cat x/y/z/creds", credentialsHidden: false).Parts).Safety);
    }

    private string Shell(string script) => HostShell.Run(script, machine.Workspace);
}
