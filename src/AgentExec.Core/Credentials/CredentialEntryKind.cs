namespace AgentExec.Core.Credentials;

/// <summary>The three kinds of credential entry (see <c>docs/credentials.md</c>).</summary>
public enum CredentialEntryKind
{
    /// <summary>A fixed file, absolute or under a home directory (<c>~/.netrc</c>, <c>~/.cargo/credentials*</c>).</summary>
    File,

    /// <summary>A fixed directory and everything below it (<c>~/.ssh/</c>).</summary>
    Directory,

    /// <summary>A name pattern that applies in any directory (<c>.env</c>, <c>*.pem</c>).</summary>
    Name,
}
