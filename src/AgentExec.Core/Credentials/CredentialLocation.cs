namespace AgentExec.Core.Credentials;

/// <summary>A fixed entry made concrete for one home directory (or one resolved spelling of its path).</summary>
/// <param name="Components">The absolute path's components, each a pattern (most are literal).</param>
/// <param name="Entry">The entry it comes from.</param>
internal sealed record CredentialLocation(GlobPattern[] Components, CredentialEntry Entry)
{
    /// <summary>The absolute path when no component has a wildcard; null otherwise.</summary>
    public string? LiteralPath => Components.All(component => component.IsLiteral)
        ? LexicalPath.Join(Components.Select(component => component.Literal!))
        : null;

    /// <summary>True when <paramref name="components"/> (a normalised path) is this location or lies inside it.</summary>
    public bool Contains(IReadOnlyList<string> components)
    {
        if (components.Count < Components.Length)
        {
            return false;
        }

        for (var i = 0; i < Components.Length; i++)
        {
            if (!Components[i].Matches(components[i], hidesDotNames: false))
            {
                return false;
            }
        }

        return true;
    }
}
