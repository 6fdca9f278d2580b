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
        "{R}/a/b/missing",
        "{R}/a/b/file/deeper",
        "{R}/relative/b/missing",
        "{R}/absolute",
        "/",
        "/..",
        "relative/path",
    };

    public void Dispose() => _root.Dispose();

    [Theory]
    [MemberData(nameof(Paths))]
    public void RealPath_with_its_shortcuts_answers_like_its_own_walk(string written)
    {
        RealPathOracle.AssertShortcutsMatchTheWalk(written.Replace("{R}", _root.Path, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void It_resolves_like_RealPath(string written)
    {
        var path = written.Replace("{R}", _root.Path, StringComparison.Ordinal);
        var expected = (RealPath.TryResolveByWalking(path, out var expectedReal, out var expectedExists), expectedReal, expectedExists);

        var links = new LinkResolver();
        var first = (links.TryResolve(path, out var real, out var exists), real, exists);
        var again = (links.TryResolve(path, out var realAgain, out var existsAgain), realAgain, existsAgain);

        Assert.Equal(expected, first);
        Assert.Equal(expected, again);
    }

    [Fact]
    public void One_resolver_asked_every_path_in_turn_answers_each_like_RealPath()
    {
        // Once a directory is known to have no link on the way, its entries are asked with one statx each, and paths
        // without ".." that are not spelled canonically are asked as their canonical spelling: the answers must not change.
        var links = new LinkResolver();
        string[] more =
        [
            "a/b/file", "a/b", "a/b/missing/x", "f/x/y", "a/up", "a/b/to-file", "relative", "dangling", "loop1", "a/./b//file/", "a/b/.",
            "relative/b/missing", "relative/b/file/x", "relative/missing/x", "absolute/missing", "absolute/to-file", "a/up/relative/b/to-file",
            "chain/missing", "dangling/x", "loop1/missing",
        ];
        IEnumerable<object[]> rows = Paths;
        var paths = rows.Select(row => (string)row[0]).Select(written => written.Replace("{R}", _root.Path, StringComparison.Ordinal))
            .Concat(more.Select(name => _root.Path + "/" + name))
            .ToList();
        foreach (var path in paths.Concat(paths))
        {
            var expected = (RealPath.TryResolveByWalking(path, out var expectedReal, out var expectedExists), expectedReal, expectedExists);
            Assert.Equal(expected, (links.TryResolve(path, out var real, out var exists), real, exists));
        }
    }

    [Theory]
    [InlineData("a/b/file")]
    [InlineData("a/b")]
    [InlineData("a/b/missing")]
    [InlineData("f")]
    [InlineData("f/x")]
    [InlineData("a/b/to-file")]
    [InlineData("dangling")]
    [InlineData("relative")]
    [InlineData("relative/b/missing")]
    [InlineData("relative/b/file")]
    [InlineData("relative/b/to-file")]
    [InlineData("relative/missing/x")]
    [InlineData("absolute/missing")]
    [InlineData("chain/missing")]
    [InlineData("dangling/x")]
    [InlineData("a/up/f")]
    [InlineData("a/up/missing")]
    public void What_it_knows_of_a_file_s_existence_is_what_File_Exists_says(string name)
    {
        var links = new LinkResolver();
        Assert.True(links.TryResolve(_root.File("a", "b", "missing"), out _, out _));
        Assert.True(links.TryResolve(_root.File("a", "b", "file"), out _, out _));
        var path = _root.Path + "/" + name;
        Assert.True(links.TryResolve(path, out _, out _));

        if (links.FileExistsIfKnown(path) is { } known)
        {
            Assert.Equal(File.Exists(path), known);
        }
    }

    [Fact]
    public void An_entry_of_a_directory_walked_without_a_link_tells_a_file_from_a_directory()
    {
        var links = new LinkResolver();
        Assert.True(links.TryResolve(_root.File("a", "b", "missing"), out _, out _));

        Assert.True(links.TryResolve(_root.File("a", "b", "file"), out _, out var fileExists));
        Assert.True(links.TryResolve(_root.File("a", "b", "other"), out _, out var otherExists));
        Assert.True(links.TryResolve(_root.File("a", "b", "to-file"), out var throughLink, out _));
        Assert.True(links.TryResolve(_root.File("a"), out _, out var directoryExists));

        Assert.True(fileExists);
        Assert.False(otherExists);
        Assert.True(directoryExists);
        Assert.True(links.FileExistsIfKnown(_root.File("a", "b", "file")));
        Assert.False(links.FileExistsIfKnown(_root.File("a", "b", "other")));
        Assert.False(links.FileExistsIfKnown(_root.File("a")));
        Assert.Equal(_root.File("a", "b", "file"), throughLink);
        Assert.Null(links.FileExistsIfKnown(_root.File("a", "b", "to-file")));
    }

    [Theory]
    [InlineData("/proc/self/cwd")]
    [InlineData("/proc/self/status")]
    [InlineData("/proc/thread-self/cwd")]
    [InlineData("/dev/fd/0")]
    [InlineData("{R}/to-proc/x")]
    public void A_path_through_a_link_in_proc_is_unresolvable_for_the_analysis_though_RealPath_resolves_it_here(string written)
    {
        // /proc/self/cwd is this process's working directory here and the command's own in the command.
        File.CreateSymbolicLink(_root.File("to-proc"), "/proc/self/cwd");
        var path = written.Replace("{R}", _root.Path, StringComparison.Ordinal);
        RealPathOracle.AssertShortcutsMatchTheWalk(path);

        var links = new LinkResolver();

        Assert.False(links.TryResolve(path, out _, out _));
        Assert.True(links.EntersProcessFiles(path));
    }

    [Fact]
    public void A_proc_file_reached_without_a_link_resolves_but_is_still_process_files()
    {
        File.CreateSymbolicLink(_root.File("cpu"), "/proc/cpuinfo");
        var links = new LinkResolver();

        Assert.True(links.TryResolve(_root.File("cpu"), out var real, out var exists));
        Assert.Equal(("/proc/cpuinfo", true), (real, exists));
        Assert.True(links.EntersProcessFiles(_root.File("cpu")));
        Assert.True(links.EntersProcessFiles("/proc/cpuinfo"));
        Assert.False(links.EntersProcessFiles(_root.File("a", "b", "file")));
        Assert.False(links.EntersProcessFiles(_root.File("relative", "b", "file")));
    }

    [Fact]
    public void An_entry_missing_below_a_linked_directory_is_known_missing_as_File_Exists_says()
    {
        // The walk through relative -> a reaches a/b, where "missing" is not there: lstat(2) finds nothing either, so the
        // PATH search needs no File.Exists of its own. A dangling link is there for lstat: nothing is known of it.
        var links = new LinkResolver();
        Assert.True(links.TryResolve(_root.File("relative", "b", "missing"), out var real, out var exists));
        Assert.True(links.TryResolve(_root.File("dangling"), out _, out var danglingExists));

        Assert.Equal(_root.File("a", "b", "missing"), real);
        Assert.False(exists);
        Assert.False(links.FileExistsIfKnown(_root.File("relative", "b", "missing")));
        Assert.False(File.Exists(_root.File("relative", "b", "missing")));
        Assert.False(danglingExists);
        Assert.Null(links.FileExistsIfKnown(_root.File("dangling")));
        Assert.True(File.Exists(_root.File("dangling")));
    }

    [Theory]
    [InlineData("a/b/file", nameof(LinkFreeLookup.Answer.ExistsWithoutLinks))]
    [InlineData("a/b", nameof(LinkFreeLookup.Answer.ExistsWithoutLinks))]
    [InlineData("a/b/missing", nameof(LinkFreeLookup.Answer.MissingWithoutLinks))]
    [InlineData("f/x", nameof(LinkFreeLookup.Answer.MissingWithoutLinks))]
    [InlineData("a/b/to-file", nameof(LinkFreeLookup.Answer.EndsInLink))]
    [InlineData("relative", nameof(LinkFreeLookup.Answer.EndsInLink))]
    [InlineData("dangling", nameof(LinkFreeLookup.Answer.EndsInLink))]
    [InlineData("a/./b", nameof(LinkFreeLookup.Answer.Unanswered))]
    public void The_one_statx_look_up_below_a_link_free_directory_tells_a_last_link_apart(string name, string expected)
    {
        var path = _root.Path + "/" + name;

        Assert.Equal(Enum.Parse<LinkFreeLookup.Answer>(expected), LinkFreeLookup.AskBelowLinkFreeDirectory(path, out _));
    }

    [Theory]
    [InlineData("a/b/file", nameof(LinkFreeLookup.Answer.ExistsWithoutLinks))]
    [InlineData("a/b", nameof(LinkFreeLookup.Answer.ExistsWithoutLinks))]
    [InlineData("a/b/missing", nameof(LinkFreeLookup.Answer.MissingWithoutLinks))]
    [InlineData("missing/deeper", nameof(LinkFreeLookup.Answer.MissingWithoutLinks))]
    [InlineData("f/x", nameof(LinkFreeLookup.Answer.MissingWithoutLinks))]
    [InlineData("relative/b/file", nameof(LinkFreeLookup.Answer.Unanswered))]
    [InlineData("relative/b/missing", nameof(LinkFreeLookup.Answer.Unanswered))]
    [InlineData("a/b/to-file", nameof(LinkFreeLookup.Answer.Unanswered))]
    [InlineData("dangling", nameof(LinkFreeLookup.Answer.Unanswered))]
    [InlineData("a/up/b", nameof(LinkFreeLookup.Answer.Unanswered))]
    [InlineData("a/./b", nameof(LinkFreeLookup.Answer.Unanswered))]
    [InlineData("a/b/../b", nameof(LinkFreeLookup.Answer.Unanswered))]
    [InlineData("a//b", nameof(LinkFreeLookup.Answer.Unanswered))]
    [InlineData("a/b/", nameof(LinkFreeLookup.Answer.Unanswered))]
    public void The_one_call_look_up_answers_only_a_canonical_path_it_walked_without_a_link(string name, string expected)
    {
        var path = _root.Path + "/" + name;

        Assert.Equal(Enum.Parse<LinkFreeLookup.Answer>(expected), LinkFreeLookup.Ask(path));
    }

    [Fact]
    public void A_directory_is_its_own_real_path_without_a_system_call_only_after_a_longer_path_walked_it_without_a_link()
    {
        var links = new LinkResolver();
        Assert.True(links.TryResolve(_root.File("a", "b", "missing"), out _, out var exists));
        Assert.False(exists);

        // Replace a walked directory with a link: the answer remembered for this analysis still names the directory
        // (what the disk said when it was asked), and a fresh analysis sees the link.
        Directory.Move(_root.File("a"), _root.File("moved"));
        File.CreateSymbolicLink(_root.File("a"), _root.File("moved"));

        Assert.True(links.TryRealPath(_root.File("a", "b"), out var remembered));
        Assert.Equal(_root.File("a", "b"), remembered);
        Assert.True(new LinkResolver().TryRealPath(_root.File("a", "b"), out var fresh));
        Assert.Equal(_root.File("moved", "b"), fresh);

        // A prefix of a path whose walk met a link is never taken as its own real path.
        var viaLink = new LinkResolver();
        Assert.True(viaLink.TryResolve(_root.File("relative", "b", "file"), out _, out _));
        Assert.True(viaLink.TryRealPath(_root.File("relative", "b"), out var throughLink));
        Assert.Equal(_root.File("moved", "b"), throughLink);
    }
}
