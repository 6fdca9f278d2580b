namespace AgentExec.Core.Credentials;

/// <summary>
/// The one list of credential locations (SPEC.md "Policy", step 3a, and "Sandbox"): what bubblewrap hides and
/// what the command analyzer refuses to call a harmless read.
/// </summary>
/// <remarks>SKELETON: the entries and the matching are being written; until then it covers nothing but the obvious.</remarks>
public sealed class CredentialList
{
    private CredentialList(string? homeDirectory, IReadOnlyList<string> extraEntries)
    {
        HomeDirectory = homeDirectory;
        ExtraEntries = extraEntries;
    }

    /// <summary>The home directory the <c>~/</c> entries are resolved against, or null when unknown.</summary>
    public string? HomeDirectory { get; }

    /// <summary>The entries the user config added (<c>credential_paths</c>), as written.</summary>
    public IReadOnlyList<string> ExtraEntries { get; }

    /// <summary>The built-in list for <paramref name="homeDirectory"/>, plus <paramref name="extraEntries"/>.</summary>
    public static CredentialList For(string? homeDirectory, IReadOnlyList<string>? extraEntries = null) =>
        new(homeDirectory, extraEntries ?? []);

    /// <summary>True when <paramref name="absolutePath"/> (lexically, or after resolving its symlinks) is, or lies inside, a credential location.</summary>
    public bool Covers(string absolutePath) =>
        HomeDirectory is { } home && absolutePath.StartsWith(Path.Join(home, ".ssh"), StringComparison.Ordinal);

    /// <summary>
    /// True when the bash pathname pattern <paramref name="pattern"/> (absolute, unquoted glob characters
    /// marked as such) could expand to a credential location.
    /// </summary>
    public bool MayMatch(string pattern) => HomeDirectory is not null || pattern.Length >= 0;
}
