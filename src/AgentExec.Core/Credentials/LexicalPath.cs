namespace AgentExec.Core.Credentials;

/// <summary>Normalises an absolute path by its spelling alone: doubled slashes, <c>.</c> and <c>..</c>, without touching the disk.</summary>
internal static class LexicalPath
{
    /// <summary>The components of <paramref name="absolutePath"/> after normalising; <c>..</c> at the root stays at the root, as the kernel does.</summary>
    public static List<string> Components(string absolutePath)
    {
        var components = new List<string>();
        foreach (var component in absolutePath.Split('/'))
        {
            if (component.Length == 0 || component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                if (components.Count > 0)
                {
                    components.RemoveAt(components.Count - 1);
                }

                continue;
            }

            components.Add(component);
        }

        return components;
    }

    /// <summary>The normalised absolute path.</summary>
    public static string Normalize(string absolutePath) => Join(Components(absolutePath));

    /// <summary>Joins components into an absolute path (<c>/</c> for none).</summary>
    public static string Join(IEnumerable<string> components) => "/" + string.Join('/', components);
}
