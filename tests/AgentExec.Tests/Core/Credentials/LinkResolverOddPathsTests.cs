using AgentExec.Core.Configuration;
using AgentExec.Core.Credentials;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Credentials;

/// <summary>
/// The analysis' look-ups (one statx below a directory already walked without a link, the canonical spelling for a
/// path without <c>..</c>) answer odd spellings and odd files exactly as <see cref="RealPath.TryResolve"/> and
/// <see cref="File.Exists(string)"/> do, whatever the resolver was asked before.
/// </summary>
public sealed class LinkResolverOddPathsTests : IDisposable
{
    private static readonly string LongName = new('n', 200);

    private readonly TemporaryDirectory _root = new();

    public LinkResolverOddPathsTests()
    {
        Directory.CreateDirectory(_root.File("d", "e"));
        File.WriteAllText(_root.File("d", "file"), "x");
        File.CreateSymbolicLink(_root.File("d", "to-dir"), "e");
        File.CreateSymbolicLink(_root.File("d", "to-file"), "file");
        File.CreateSymbolicLink(_root.File("d", "dangling"), "nowhere");
        File.CreateSymbolicLink(_root.File("d", "to-root"), "/");
        Directory.CreateDirectory(_root.File("d", LongName, LongName, LongName, LongName, LongName, LongName));
        File.WriteAllText(_root.File("d", LongName, LongName, LongName, LongName, LongName, LongName, "file"), "x");
        Assert.Equal(0, Mkfifo(_root.File("d", "fifo"), 0x1B6));
    }

    public static TheoryData<string> Spellings => new()
    {
        "{R}/d/file", "{R}/d/file/", "{R}/d/file/.", "{R}/d/file//", "{R}/d/./file", "{R}//d//file",
        "{R}/d/e", "{R}/d/e/", "{R}/d/e/.", "{R}/d/e/./", "{R}/d/e/missing", "{R}/d/e/missing/",
        "{R}/d/to-dir", "{R}/d/to-dir/", "{R}/d/to-dir/.", "{R}/d/to-dir/x", "{R}/d/./to-dir/./x",
        "{R}/d/to-file", "{R}/d/to-file/", "{R}/d/to-file/.", "{R}/d/to-file/x",
        "{R}/d/dangling", "{R}/d/dangling/", "{R}/d/dangling/x",
        "{R}/d/to-root", "{R}/d/to-root/etc", "{R}/d/to-root/./etc/",
        "{R}/d/fifo", "{R}/d/fifo/", "{R}/d/fifo/x",
        "{R}/d/a\uD800b", "{R}/d/a\uD800b/", "{R}/d/./a\uDC00",
        "{R}/d/" + string.Join('/', Enumerable.Repeat(LongName, 6)) + "/file",
        "{R}/d/" + string.Join('/', Enumerable.Repeat(LongName, 6)) + "/./file",
        "{R}/d/" + string.Join('/', Enumerable.Repeat(LongName, 6)) + "/missing",
        "/", "//", "/.", "/./", "/etc", "/etc/", "//etc//passwd", "/etc/passwd/.",
    };

    public void Dispose() => _root.Dispose();

    [Theory]
    [MemberData(nameof(Spellings))]
    public void RealPath_with_its_shortcuts_answers_like_its_own_walk(string written)
    {
        RealPathOracle.AssertShortcutsMatchTheWalk(written.Replace("{R}", _root.Path, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Spellings))]
    public void A_fresh_resolver_and_one_that_walked_the_tree_first_answer_like_RealPath(string written)
    {
        var path = written.Replace("{R}", _root.Path, StringComparison.Ordinal);
        var expected = (RealPath.TryResolveByWalking(path, out var expectedReal, out var expectedExists), expectedReal, expectedExists);

        var fresh = new LinkResolver();
        Assert.Equal(expected, (fresh.TryResolve(path, out var real, out var exists), real, exists));

        // Warm: every directory on the way known link-free first (and the root's entries), so the statx path answers.
        var warm = new LinkResolver();
        IEnumerable<object[]> rows = Spellings;
        foreach (var other in rows.Select(row => ((string)row[0]).Replace("{R}", _root.Path, StringComparison.Ordinal)))
        {
            _ = warm.TryResolve(other + "/zzz-missing", out _, out _);
            _ = warm.TryRealPath(other, out _);
        }

        Assert.Equal(expected, (warm.TryResolve(path, out var warmReal, out var warmExists), warmReal, warmExists));
        foreach (var resolver in (LinkResolver[])[fresh, warm])
        {
            if (resolver.FileExistsIfKnown(path) is { } known)
            {
                Assert.Equal(File.Exists(path), known);
            }

            if (expected.Item1 && resolver.TryRealPath(path, out var realPath))
            {
                Assert.Equal(expectedReal, realPath);
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("/y")]
    [InlineData("/.")]
    public void A_name_too_long_for_the_kernel_is_unresolvable_however_it_is_asked(string tail)
    {
        // RealPath keeps it as written (missing); the analysis' walk cannot tell what is there (ENAMETOOLONG), which is
        // stricter: nothing is concluded, and Covers calls the path covered. Asked after its directory is known
        // link-free too, where the statx look-up answers ENAMETOOLONG.
        var path = _root.File("d", new string('x', 300)) + tail;
        var links = new LinkResolver();
        Assert.True(links.TryResolve(_root.File("d", "e", "missing"), out _, out _));

        Assert.False(links.TryResolve(path, out _, out _));
        Assert.Null(links.FileExistsIfKnown(path));
        Assert.True(CredentialList.For(null).Covers(path, links));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo(string path, int mode);
}
