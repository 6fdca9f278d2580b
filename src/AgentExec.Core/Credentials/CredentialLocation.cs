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

    /// <summary>The directory every path this location names lies in: its components up to the first with a wildcard.</summary>
    public string LiteralPrefix => LexicalPath.Join(Components.TakeWhile(component => component.IsLiteral).Select(component => component.Literal!));

    /// <summary>The existing paths this location names now: itself when literal, else each match, reading at most <paramref name="maxEntries"/> directory entries.</summary>
    /// <param name="maxEntries">The reading budget; what lies past it is not returned.</param>
    /// <param name="complete">
    /// False when a match may have been left out: the budget ran out, or a directory on the way could not be listed for
    /// another reason than not being there or being closed to this user. The caller must then not take the paths for all there are (a review found a
    /// location with 20,100 matches read with no question past the 20,000th).
    /// </param>
    /// <returns>The paths, which may not exist when literal.</returns>
    public IReadOnlyList<string> Expand(int maxEntries, out bool complete)
    {
        if (LiteralPath is { } literal)
        {
            complete = true;
            return [literal];
        }

        var found = new List<string>();
        var budget = maxEntries;
        var incomplete = false;
        Walk("/", 0);
        complete = !incomplete;
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
                // One more than the budget is asked for, to tell "all of them" from "cut off".
                names = [.. Directory.EnumerateFileSystemEntries(directory).Select(path => Path.GetFileName(path)).Take(Math.Max(budget, 0) + 1)];
            }
            catch (Exception exception) when (exception is DirectoryNotFoundException or UnauthorizedAccessException)
            {
                // Not there, or not listable by this user (another user's home): a command runs as this user, so it
                // cannot list the folder either, and counting it cut off would refuse every recursive read below /home.
                // (A folder this user may search but not list is left at that: a match there is reached only by a
                // name guessed in advance.)
                return;
            }
            catch (IOException)
            {
                incomplete = true;
                return;
            }

            if (names.Count > Math.Max(budget, 0))
            {
                incomplete = true;
                names.RemoveAt(names.Count - 1);
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
