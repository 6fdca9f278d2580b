using System.Text.Json;

namespace AgentExec.Core.Configuration;

/// <summary>A user config file that was read and parsed at start-up.</summary>
/// <param name="Path">The absolute path as the user named it (normalised, links not resolved).</param>
/// <param name="RealPath">The path with every symbolic link resolved: the file actually read.</param>
/// <param name="Root">The file's top-level JSON object.</param>
internal sealed record UserConfigFile(string Path, string RealPath, JsonElement Root)
{
    /// <summary>The directory relative paths in the file are taken from: the one the file really lives in.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(RealPath) ?? "/";

    /// <summary>The keys present in the file, in file order.</summary>
    public IEnumerable<string> Keys => Root.EnumerateObject().Select(property => property.Name);

    /// <summary>A message prefix that locates a key in this file: <c>/home/u/.config/agentexec/config.json, key 'env.keep[0]': </c>.</summary>
    /// <param name="keyPath">The key, with any path inside it.</param>
    /// <returns>The prefix.</returns>
    public string Locate(string keyPath) => $"{Path}, key '{keyPath}': ";
}
