using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Credentials;

/// <summary>The analysis' own link walk gives the answers of <see cref="RealPath.TryResolve"/>, over a tree of awkward links.</summary>
public sealed class LinkResolverTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public LinkResolverTests()
    {
        Directory.CreateDirectory(_root.File("a", "b"));
        File.WriteAllText(_root.File("a", "b", "file"), "x");
        File.WriteAllText(_root.File("f"), "x");
        File.CreateSymbolicLink(_root.File("relative"), "a");
        File.CreateSymbolicLink(_root.File("absolute"), _root.File("a", "b"));
        File.CreateSymbolicLink(_root.File("dangling"), _root.File("nowhere", "deeper"));
        File.CreateSymbolicLink(_root.File("loop1"), _root.File("loop2"));
        File.CreateSymbolicLink(_root.File("loop2"), _root.File("loop1"));
        File.CreateSymbolicLink(_root.File("a", "up"), "..");
        File.CreateSymbolicLink(_root.File("chain"), "relative/b/../../absolute");
        File.CreateSymbolicLink(_root.File("a", "b", "to-file"), "file");
    }

    public static TheoryData<string> Paths => new()
    {
        "{R}",
        "{R}/",
        "{R}//a/./b/",
        "{R}/a/b/file",
        "{R}/relative/b/file",
        "{R}/relative/../f",
        "{R}/absolute/..",
        "{R}/absolute/file/..",
        "{R}/dangling",
        "{R}/dangling/more/../x",
        "{R}/loop1",
        "{R}/loop1/x",
        "{R}/f/..",
        "{R}/f/x",
        "{R}/f/x/../..",
        "{R}/missing/../f",
        "{R}/missing/../../a",
        "{R}/a/up/a/up/relative/b",
        "{R}/chain/file",
        "{R}/a/b/to-file",
        "{R}/a/b/to-file/..",
        "/",
        "/..",
        "/proc/self/cwd",
        "relative/path",
    };

    public void Dispose() => _root.Dispose();

    [Theory]
    [MemberData(nameof(Paths))]
    public void It_resolves_like_RealPath(string written)
    {
        var path = written.Replace("{R}", _root.Path, StringComparison.Ordinal);
        var expected = (RealPath.TryResolve(path, out var expectedReal, out var expectedExists), expectedReal, expectedExists);

        var links = new LinkResolver();
        var first = (links.TryResolve(path, out var real, out var exists), real, exists);
        var again = (links.TryResolve(path, out var realAgain, out var existsAgain), realAgain, existsAgain);

        Assert.Equal(expected, first);
        Assert.Equal(expected, again);
    }

    [Theory]
    [InlineData("relative", "a")]
    [InlineData("a/up", "..")]
    [InlineData("a/b/file", null)]
    [InlineData("missing", null)]
    public void Its_link_targets_are_FileInfos(string name, string? target)
    {
        var path = _root.File(name);

        var links = new LinkResolver();

        Assert.Equal(new FileInfo(path).LinkTarget, links.LinkTarget(path));
        Assert.Equal(target, links.LinkTarget(path));
    }
}
