using AgentExec.Core.Credentials;

namespace AgentExec.Tests.Core.Credentials;

/// <summary>The bounded scan of the writable directories for files and folders named like credentials.</summary>
public sealed class CredentialScanTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void The_scan_finds_credential_names_at_any_depth_but_not_inside_git_or_through_links()
    {
        // Arrange
        foreach (var file in (string[])["a/.env", "a/b/c/server.key", "a/b/id_rsa", "a/b/id_rsa.pub", "README.md", ".git/refs/heads/id_fix", "keys.pem/inner.txt"])
        {
            Write(file);
        }

        Directory.CreateSymbolicLink(_root.File("linked"), _root.File("a"));

        // Act
        var result = CredentialScan.Run(CredentialList.For(null), [_root.Path]);

        // Assert
        Assert.Null(result.Incomplete);
        string[] expected = ["a/.env", "a/b/id_rsa", "a/b/c/server.key", "keys.pem"];
        Assert.Equal(expected.Select(path => _root.File(path.Split('/'))).Order(), result.Found.Order());
    }

    [Fact]
    public void Past_its_bound_the_scan_says_so_and_keeps_what_it_found_nearest_first()
    {
        // Arrange
        Write(".env");
        for (var i = 0; i < 20; i++)
        {
            Write($"deep/f{i}.txt");
        }

        Write("deep/deeper/k.pem");

        // Act
        var result = CredentialScan.Run(CredentialList.For(null), [_root.Path], maxEntries: 10);

        // Assert
        Assert.Equal([_root.File(".env")], result.Found);
        Assert.StartsWith("stopped after 10 entries", result.Incomplete, StringComparison.Ordinal);
    }

    [Fact]
    public void A_root_inside_another_is_scanned_once()
    {
        // Arrange
        Write("inner/.env");

        // Act
        var result = CredentialScan.Run(CredentialList.For(null), [_root.Path, _root.File("inner")]);

        // Assert
        Assert.Equal([_root.File("inner", ".env")], result.Found);
    }

    private void Write(string relativePath)
    {
        var path = _root.File(relativePath.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
    }
}
