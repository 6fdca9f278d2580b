using AgentExec.Core.Configuration;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Configuration;

/// <summary>
/// <see cref="RealPath.TryResolve"/> keeps the tail of a missing path as written, so it must know that the tail is
/// missing: a component it cannot read faithfully (a readlink error other than ENOENT/ENOTDIR, a link target that is
/// not UTF-8) may hide a link, and the path is then unresolvable rather than "missing, kept as written". The config
/// trust checks, the writable roots and the credential list rest on this answer. Each case reaches the hidden file for
/// real in bash, the positive control that the danger is there.
/// </summary>
public sealed class RealPathUnreadableTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public RealPathUnreadableTests()
    {
        Directory.CreateDirectory(_root.File("secret"));
        File.WriteAllText(_root.File("secret", "credentials"), "SECRET\n");
    }

    public void Dispose()
    {
        DeepTree.Remove(_root.Path);

        _root.Dispose();
    }

    [Fact]
    public void A_link_past_PATH_MAX_is_not_taken_for_a_missing_tail()
    {
        // Three levels of seven nested 200-character directories, then a link to the secret directory: its path is
        // past PATH_MAX, so readlink(2) of it fails with ENAMETOOLONG, while a shell that walks there follows it.
        var level = string.Join('/', Enumerable.Repeat(new string('d', 200), 7));
        var deep = Shell($"for n in 1 2 3; do mkdir -p '{level}' && cd '{level}'; done; ln -s '{_root.File("secret")}' k; pwd").TrimEnd('\n');
        Assert.Equal("SECRET\n", Shell($"cd '{level}' && cd '{level}' && cd '{level}' && cat k/credentials"));

        var resolved = RealPath.TryResolve(deep + "/k/credentials", out var real, out var exists);

        Assert.False(resolved, $"resolved to a path of {real?.Length} characters (exists: {exists}) without reading the link");
        RealPathOracle.AssertShortcutsMatchTheWalk(deep + "/k/credentials");
    }

    [Fact]
    public void A_missing_link_target_that_is_not_UTF8_makes_the_path_unresolvable()
    {
        // The target "x\xff" is missing now; .NET would read it as "x\uFFFD", the name of another file.
        Shell("ln -s \"$(printf 'x\\377')\" L");
        Shell($"ln -s '{_root.File("secret")}' \"$(printf 'x\\377')\"");
        Assert.Equal("SECRET\n", Shell("cat L/credentials"));
        Shell("rm \"$(printf 'x\\377')\"");

        Assert.False(RealPath.TryResolve(_root.File("L", "credentials"), out var real, out _), $"resolved to {real}");
        RealPathOracle.AssertShortcutsMatchTheWalk(_root.File("L", "credentials"));
    }

    [Fact]
    public void A_path_with_a_NUL_is_unresolvable()
    {
        // The C library would be given the name up to the NUL, another path than the one asked about.
        Assert.False(RealPath.TryResolve(_root.File("secret") + "\0/x", out var real, out _), $"resolved to {real}");
        Assert.False(RealPath.TryResolve(_root.File("missing") + "\0x", out real, out _), $"resolved to {real}");
    }

    private string Shell(string script) => HostShell.Run(script, _root.Path);
}
