namespace AgentExec.Core.Commands;

/// <summary>One <c>key = value</c> line of a git configuration file, with the key spelled as git compares it.</summary>
/// <param name="Key">
/// The full key: section and variable name lower-cased, a subsection (<c>[diff "X"]</c>) kept as written,
/// an old-style one (<c>[diff.X]</c>) lower-cased, as git does.
/// </param>
/// <param name="Value">The value after unquoting and unescaping, or null for a bare key (git's boolean true).</param>
internal readonly record struct GitConfigEntry(string Key, string? Value)
{
    /// <summary>The section: the key up to its first dot.</summary>
    public string Section => Key[..Key.IndexOf('.', StringComparison.Ordinal)];

    /// <summary>The variable name: the key after its last dot.</summary>
    public string Name => Key[(Key.LastIndexOf('.') + 1)..];
}
