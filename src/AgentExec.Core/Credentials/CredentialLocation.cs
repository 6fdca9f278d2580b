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

    /// <summary>The existing paths this location names now: itself when literal, else each match, reading at most <paramref name="maxEntries"/> directory entries.</summary>
    /// <param name="maxEntries">The reading budget; what lies past it is not returned.</param>
    /// <returns>The paths, which may not exist when literal.</returns>
    public IReadOnlyList<string> Expand(int maxEntries)
    {
        if (LiteralPath is { } literal)
        {
            return [literal];
        }

        var found = new List<string>();
        var budget = maxEntries;
        Walk("/", 0);
        return found;

        void Walk(string directory, int index)
        {
            if (index == Components.Length)
            {
                found.Add(directory);
                return;
            }

            var component = Components[index];
            if (component.IsLiteral)
            {
                Walk(Path.Join(directory, component.Literal), index + 1);
                return;
            }

            List<string> names;
            try
            {
                names = [.. Directory.EnumerateFileSystemEntries(directory).Select(path => Path.GetFileName(path)).Take(Math.Max(budget, 0))];
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return;
            }

            budget -= names.Count;
            foreach (var name in names.Where(name => component.Matches(name, hidesDotNames: false)))
            {
                Walk(Path.Join(directory, name), index + 1);
            }
        }
    }

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
