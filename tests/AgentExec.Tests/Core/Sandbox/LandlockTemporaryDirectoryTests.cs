using System.Runtime.Versioning;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

[SupportedOSPlatform("linux")]
public sealed class LandlockTemporaryDirectoryTests : IDisposable
{
    private readonly TemporaryDirectory _outside = new();

    public void Dispose() => _outside.Dispose();

    [Fact]
    public void A_fresh_directory_is_private_and_empty()
    {
        // Act
        var path = LandlockTemporaryDirectory.Create();

        // Assert
        try
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void Deleting_removes_nested_content_but_never_follows_links_out_of_the_tree()
    {
        // Arrange: what a command could leave in its TMPDIR, links to the host included.
        var outsideFile = _outside.File("keep.txt");
        File.WriteAllText(outsideFile, "keep");
        var path = LandlockTemporaryDirectory.Create();
        Directory.CreateDirectory(Path.Combine(path, "a", "b", "c"));
        File.WriteAllText(Path.Combine(path, "a", "b", "c", "f"), "x");
        File.CreateSymbolicLink(Path.Combine(path, "a", "dir-link"), _outside.Path);
        File.CreateSymbolicLink(Path.Combine(path, "file-link"), outsideFile);
        File.WriteAllText(Path.Combine(path, "read-only"), "x");
        File.SetUnixFileMode(Path.Combine(path, "read-only"), UnixFileMode.UserRead);

        // Act
        var deleted = LandlockTemporaryDirectory.Delete(path);

        // Assert
        Assert.True(deleted);
        Assert.False(Directory.Exists(path));
        Assert.Equal("keep", File.ReadAllText(outsideFile));
    }

    [Fact]
    public void Deleting_removes_folders_whose_permissions_the_command_took_away_and_leaves_a_linked_folders_mode_alone()
    {
        // Arrange: a command that makes its TMPDIR hard to empty for an owner who is not root (CI runs this as one).
        var path = LandlockTemporaryDirectory.Create();
        Directory.CreateDirectory(Path.Combine(path, "locked", "inner"));
        File.WriteAllText(Path.Combine(path, "locked", "inner", "f"), "x");
        File.CreateSymbolicLink(Path.Combine(path, "locked", "to-outside"), _outside.Path);
        var outsideMode = File.GetUnixFileMode(_outside.Path);
        File.SetUnixFileMode(Path.Combine(path, "locked", "inner"), UnixFileMode.None);
        File.SetUnixFileMode(Path.Combine(path, "locked"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        // Act
        var deleted = LandlockTemporaryDirectory.Delete(path);

        // Assert
        Assert.True(deleted, "The temporary directory was left behind.");
        Assert.Equal(outsideMode, File.GetUnixFileMode(_outside.Path));
    }

    [Fact]
    public void Deleting_removes_a_tree_deeper_than_one_pass_descends_and_never_follows_its_links()
    {
        // Arrange: found by an attack, which left a tree 140 levels deep with a file of its choosing at the bottom in
        // the host's /tmp after the call. Here 600 levels, several passes' worth, with links to the host at the bottom.
        var outsideFile = _outside.File("keep.txt");
        File.WriteAllText(outsideFile, "keep");
        var path = LandlockTemporaryDirectory.Create();
        var deepest = Path.Combine([path, .. Enumerable.Repeat("d", 600)]);
        Directory.CreateDirectory(deepest);
        File.WriteAllText(Path.Combine(deepest, "marker"), "left behind");
        File.CreateSymbolicLink(Path.Combine(deepest, "dir-link"), _outside.Path);
        File.CreateSymbolicLink(Path.Combine(deepest, "file-link"), outsideFile);
        File.SetUnixFileMode(deepest, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        // Act
        var deleted = LandlockTemporaryDirectory.Delete(path);

        // Assert
        Assert.True(deleted, "The temporary directory was left behind.");
        Assert.False(Directory.Exists(path));
        Assert.Equal("keep", File.ReadAllText(outsideFile));
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(_outside.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Deleting_removes_a_deep_tree_even_when_the_names_it_moves_up_to_are_taken()
    {
        // Found by a review: a command could make the names a deep directory is moved up to beforehand; every name tried
        // was taken and the deep tree was left behind. Whether the taken names are still there when the deep directory is
        // reached depends on the order the file system lists them in, so on some machines this passed before the fix too.
        var path = LandlockTemporaryDirectory.Create();
        var deepest = Path.Combine([path, .. Enumerable.Repeat("d", 300)]);
        Directory.CreateDirectory(deepest);
        File.WriteAllText(Path.Combine(deepest, "marker"), "left behind");
        foreach (var taken in Enumerable.Range(0, 256))
        {
            Directory.CreateDirectory(Path.Combine(path, $".agentexec-deeper-{taken}"));
        }

        var deleted = LandlockTemporaryDirectory.Delete(path);

        Assert.True(deleted, "The temporary directory was left behind.");
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public void Deleting_a_directory_that_is_gone_or_not_absolute_does_not_throw()
    {
        Assert.True(LandlockTemporaryDirectory.Delete(_outside.File("never-created")));
        Assert.False(LandlockTemporaryDirectory.Delete("relative/path"));
    }
}
