namespace AgentExec.Tests.Core.Credentials;

/// <summary>
/// A throw-away home (<c>{H}</c>) and workspace (<c>{W}</c>) holding credentials, look-alikes and symbolic links,
/// shared by the rows of <see cref="CredentialListTests"/>.
/// </summary>
public sealed class CredentialTree : IDisposable
{
    public CredentialTree()
    {
        var created = Directory.CreateTempSubdirectory("agentexec-credential-tests-").FullName;
        Root = new DirectoryInfo(created).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? created;
        Home = Path.Join(Root, "home");
        Workspace = Path.Join(Root, "w");
        foreach (var file in (string[])
        [
            "home/.ssh/id_ed25519", "home/.ssh/id_ed25519.pub", "home/.ssh/config", "home/.aws/credentials",
            "home/.cargo/credentials.toml", "home/.cargo/config.toml", "home/notes.txt",
            "w/.env", "w/.env.local", "w/.envrc", "w/README.md", "w/docs/a.md", "w/certs/server.pem",
            "w/keys/id_rsa", "w/keys/id_rsa.pub", "w/plain/a.md", "w/plain/b.txt", "w/plain/.env",
            "w/pems/k.pem", "w/pems/x.md", "w/nested/a/.env", "w/nested/b/notes.md", "w/src/x.cs", "w/src/y/z.cs",
            "w/dotdir/.hidden/k.pem", "w/secret-store/token", "w/bundles/client.p8",
        ])
        {
            var path = Path.Join(Root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x");
        }

        Directory.CreateDirectory(Path.Join(Workspace, "sub"));
        Directory.CreateDirectory(Path.Join(Workspace, "links"));
        File.CreateSymbolicLink(Path.Join(Workspace, "links", "innocent"), Path.Join(Home, ".ssh", "id_ed25519"));
        Directory.CreateSymbolicLink(Path.Join(Workspace, "links", "keys-dir"), Path.Join(Home, ".ssh"));
        File.CreateSymbolicLink(Path.Join(Workspace, "links", "readme"), Path.Join(Workspace, "README.md"));
    }

    public string Root { get; }

    public string Home { get; }

    public string Workspace { get; }

    /// <summary>Replaces <c>{H}</c> and <c>{W}</c> in a row.</summary>
    public string Expand(string text) => text.Replace("{H}", Home, StringComparison.Ordinal).Replace("{W}", Workspace, StringComparison.Ordinal);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary directory is harmless.
        }
    }
}
