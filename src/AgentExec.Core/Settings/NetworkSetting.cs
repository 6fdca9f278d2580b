using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AgentExec.Core.Configuration;
using AgentExec.Core.Network;

namespace AgentExec.Core.Settings;

/// <summary>
/// Resolves the <c>network</c> key and <c>--allow-domain</c> (SPEC.md "Network allow-list"): all of the network, none,
/// or an allow-list in force, with the deny entries a workspace config adds.
/// </summary>
/// <remarks>
/// <para>
/// The key is a boolean (all of the network, as before) or, in the user config, the object
/// <c>{"allowed_domains": [...], "denied_domains": [...], "upstream_proxy": "http://host:port"}</c>. The object, or any
/// <c>--allow-domain</c> entry, puts an allow-list in force. An unknown member of the object is an error rather than the
/// warning other config objects get: a misspelt <c>denied_domain</c> would silently drop a deny list.
/// </para>
/// <para>
/// <c>--allow-domain</c> and <c>AGENTEXEC_ALLOW_DOMAIN</c> (between them, flag over environment as for every key)
/// <em>add</em> to the user config's <c>allowed_domains</c> instead of replacing it: SPEC.md says the flag "adds D to the
/// network allow-list", and replacing would also have to decide what happens to the same object's deny list and
/// upstream proxy; adding keeps everything the user config says in force and only ever lets the named hosts through.
/// </para>
/// <para>
/// A flag or variable that says <c>network</c> is true together with an allow-list is a usage error (all of the network
/// cannot be filtered); one that says false overrides the user config's object (network off, the stricter reading), and
/// with <c>--allow-domain</c> as well it is a usage error, since the two contradict each other.
/// </para>
/// <para>
/// A workspace config (the <c>--config</c> file inside the workspace, and the workspace's <c>agentexec.json</c>) is
/// written by the agent, so it may only add to <c>denied_domains</c>; its <c>allowed_domains</c>,
/// <c>upstream_proxy</c> and a boolean <c>network</c> are ignored with a warning, never obeyed. A malformed deny entry
/// there stops start-up, like a malformed workspace rule: refusing to start beats running without a list someone wrote.
/// </para>
/// </remarks>
internal static class NetworkSetting
{
    /// <summary>The object's list of hosts let through without a question.</summary>
    public const string AllowedDomainsKey = "allowed_domains";

    /// <summary>The object's list of hosts always refused.</summary>
    public const string DeniedDomainsKey = "denied_domains";

    /// <summary>The object's upstream proxy URL.</summary>
    public const string UpstreamProxyKey = "upstream_proxy";

    private static readonly string[] ObjectKeys = [AllowedDomainsKey, DeniedDomainsKey, UpstreamProxyKey];

    /// <summary>Where a workspace config's <c>network</c> value was found, and the option its errors blame.</summary>
    /// <param name="Path">The file, as named.</param>
    /// <param name="Value">The <c>network</c> value.</param>
    /// <param name="BlamedOption">The flag an error names: <c>--config</c> or <c>--workspace</c>.</param>
    public sealed record WorkspaceValue(string Path, JsonElement Value, string BlamedOption);

    /// <summary>Resolves all of the network, or the allow-list in force.</summary>
    /// <param name="layers">The layers, with the trusted user config (null when there is none or it is a workspace config).</param>
    /// <param name="workspaceValues">The <c>network</c> values of the workspace configs.</param>
    /// <param name="warnings">Where to add warnings.</param>
    /// <param name="networkAll">True for all of the network.</param>
    /// <param name="lists">The allow-list in force; null when there is none.</param>
    /// <param name="error">Why the settings cannot be used.</param>
    /// <returns>Whether the network settings resolved.</returns>
    public static bool TryResolve(
        SettingLayers layers,
        IReadOnlyList<WorkspaceValue> workspaceValues,
        List<string> warnings,
        out bool networkAll,
        out NetworkLists? lists,
        [NotNullWhen(false)] out SettingsError? error)
    {
        networkAll = false;
        lists = null;
        var allowed = new List<HostPattern>();
        var denied = new List<HostPattern>();
        UpstreamProxy? upstream = null;

        // The user config's object is checked whether or not a higher layer overrides the key: a broken list is
        // reported now rather than on the day the flag is dropped.
        var userObject = false;
        if (layers.Config is { } config && config.Root.TryGetProperty(SettingKeys.Network, out var configValue)
            && configValue.ValueKind == JsonValueKind.Object)
        {
            if (!TryReadUserObject(config, configValue, allowed, denied, out upstream, out error))
            {
                return false;
            }

            userObject = true;
        }

        string? offBy = null;
        if (layers.Find(SettingKeys.Network) is { } raw
            && !(raw.Source == SettingSource.ConfigFile && raw.Json.ValueKind == JsonValueKind.Object))
        {
            if (!raw.TryReadBoolean(out networkAll, out error))
            {
                if (raw.Source == SettingSource.ConfigFile)
                {
                    error = raw.Error($"expected true, false or an object {{\"{AllowedDomainsKey}\": [...], \"{DeniedDomainsKey}\": [...], \"{UpstreamProxyKey}\": \"http://host:port\"}}, got {SettingNames.Describe(raw.Json.ValueKind)}");
                }

                return false;
            }

            // A flag or variable (not the config, which holds the object or a boolean, never both) overrides the object.
            if (!networkAll && raw.Source != SettingSource.ConfigFile)
            {
                offBy = raw.Source == SettingSource.Flag ? "--network false" : $"{SettingKeys.EnvironmentVariable(SettingKeys.Network)}={raw.Text}";
            }
        }

        if (!TryReadAllowDomainEntries(layers, warnings, out var added, out var addedFrom, out error))
        {
            return false;
        }

        if (!TryReadWorkspaceDenials(workspaceValues, warnings, denied, out error))
        {
            return false;
        }

        var objectInForce = userObject && offBy is null && !networkAll;
        if (networkAll && (added.Count > 0 || userObject))
        {
            error = new SettingsError(
                SettingKeys.FlagName(added.Count > 0 ? SettingKeys.AllowDomain : SettingKeys.Network),
                "--network (all of the network) and a network allow-list ("
                + (added.Count > 0 ? addedFrom : "the user config's \"network\" object")
                + ") cannot be used together; drop --network to filter the network through the allow-list, or drop the allow-list to allow all of it");
            return false;
        }

        if (offBy is not null && added.Count > 0)
        {
            error = new SettingsError(
                SettingKeys.FlagName(SettingKeys.AllowDomain),
                $"{offBy} turns the network off, and {addedFrom} would let hosts through; drop one of them");
            return false;
        }

        if (!objectInForce && added.Count == 0)
        {
            if (networkAll && denied.Count > 0)
            {
                warnings.Add($"denied_domains ({string.Join(", ", denied)}) cannot be enforced with --network (all of the network): there is no proxy to refuse them; use an allow-list instead");
            }

            return true;
        }

        foreach (var entry in added)
        {
            if (!allowed.Contains(entry))
            {
                allowed.Add(entry);
            }
        }

        lists = new NetworkLists(allowed.ToArray(), denied.ToArray(), objectInForce ? upstream : null);
        error = null;
        return true;
    }

    /// <summary>True when a workspace config's <c>network</c> value is read at all (the object: its deny list).</summary>
    public static bool IsReadFromWorkspace(JsonElement value) => value.ValueKind == JsonValueKind.Object;

    private static bool TryReadUserObject(
        UserConfigFile config,
        JsonElement value,
        List<HostPattern> allowed,
        List<HostPattern> denied,
        out UpstreamProxy? upstream,
        [NotNullWhen(false)] out SettingsError? error)
    {
        upstream = null;
        var configFlag = SettingKeys.FlagName(SettingKeys.Config);
        if (!TryCheckMembers(value, config.Path, configFlag, out error)
            || !TryReadList(value, AllowedDomainsKey, config.Path, configFlag, allowed, out error)
            || !TryReadList(value, DeniedDomainsKey, config.Path, configFlag, denied, out error))
        {
            return false;
        }

        if (value.TryGetProperty(UpstreamProxyKey, out var proxy))
        {
            var where = config.Locate($"{SettingKeys.Network}.{UpstreamProxyKey}");
            if (proxy.ValueKind != JsonValueKind.String)
            {
                error = new SettingsError(configFlag, $"{where}expected a string http://HOST:PORT, got {SettingNames.Describe(proxy.ValueKind)}");
                return false;
            }

            if (!UpstreamProxy.TryParse(proxy.GetString()!, out upstream, out var problem))
            {
                error = new SettingsError(configFlag, $"{where}{SettingNames.Quote(proxy.GetString()!)}: {problem}");
                return false;
            }
        }

        return true;
    }

    private static bool TryReadAllowDomainEntries(
        SettingLayers layers,
        List<string> warnings,
        out List<HostPattern> entries,
        out string from,
        [NotNullWhen(false)] out SettingsError? error)
    {
        entries = [];
        from = "";
        error = null;
        var raw = layers.Find(SettingKeys.AllowDomain);
        if (raw is null)
        {
            return true;
        }

        if (raw.Source == SettingSource.ConfigFile)
        {
            // Not a config key: the config's allow-list is the "network" object, one place for it.
            warnings.Add($"{raw.Config!.Path}: key '{SettingKeys.AllowDomain}' ignored; the config's allow-list is \"{SettingKeys.Network}\": {{\"{AllowedDomainsKey}\": [...]}}");
            return true;
        }

        from = raw.Source == SettingSource.Flag ? SettingKeys.FlagName(SettingKeys.AllowDomain) : SettingKeys.EnvironmentVariable(SettingKeys.AllowDomain);

        // A flag given several times arrives joined by commas (SharedOptions), the variable's own form.
        foreach (var entry in raw.Text!.Split(','))
        {
            if (!HostPattern.TryParse(entry, out var pattern, out var problem))
            {
                error = raw.Error($"{SettingNames.Quote(entry)} {problem}");
                return false;
            }

            if (!entries.Contains(pattern))
            {
                entries.Add(pattern);
            }
        }

        return true;
    }

    private static bool TryReadWorkspaceDenials(
        IReadOnlyList<WorkspaceValue> workspaceValues,
        List<string> warnings,
        List<HostPattern> denied,
        [NotNullWhen(false)] out SettingsError? error)
    {
        error = null;
        foreach (var (path, value, blamed) in workspaceValues)
        {
            if (!IsReadFromWorkspace(value))
            {
                // A boolean is named among the ignored keys by the caller's warning about the file.
                continue;
            }

            if (!TryCheckMembers(value, path, blamed, out error)
                || !TryReadList(value, DeniedDomainsKey, path, blamed, denied, out error))
            {
                return false;
            }

            var ignored = value.EnumerateObject().Select(member => member.Name).Where(name => name != DeniedDomainsKey).ToList();
            if (ignored.Count > 0)
            {
                warnings.Add($"{path}: only {SettingKeys.Network}.{DeniedDomainsKey} is read from the \"{SettingKeys.Network}\" object of a workspace config, which the agent can write; ignoring {string.Join(", ", ignored.Select(name => $"{SettingKeys.Network}.{name}"))}");
            }
        }

        return true;
    }

    private static bool TryCheckMembers(JsonElement value, string path, string blamedOption, [NotNullWhen(false)] out SettingsError? error)
    {
        foreach (var member in value.EnumerateObject())
        {
            if (!ObjectKeys.Contains(member.Name, StringComparer.Ordinal))
            {
                error = new SettingsError(blamedOption, $"{path}, key '{SettingKeys.Network}': unknown key {SettingNames.Quote(member.Name)}; expected {string.Join(", ", ObjectKeys)}");
                return false;
            }
        }

        error = null;
        return true;
    }

    private static bool TryReadList(
        JsonElement value,
        string key,
        string path,
        string blamedOption,
        List<HostPattern> into,
        [NotNullWhen(false)] out SettingsError? error)
    {
        error = null;
        if (!value.TryGetProperty(key, out var array))
        {
            return true;
        }

        var keyPath = $"{SettingKeys.Network}.{key}";
        if (array.ValueKind != JsonValueKind.Array)
        {
            error = new SettingsError(blamedOption, $"{path}, key '{keyPath}': expected an array of hosts, got {SettingNames.Describe(array.ValueKind)}");
            return false;
        }

        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var where = $"{path}, key '{keyPath}[{index++}]': ";
            if (element.ValueKind != JsonValueKind.String)
            {
                error = new SettingsError(blamedOption, $"{where}expected a host (example.com, *.example.com, with an optional :port), got {SettingNames.Describe(element.ValueKind)}");
                return false;
            }

            var entry = element.GetString()!;
            if (!HostPattern.TryParse(entry, out var pattern, out var problem))
            {
                error = new SettingsError(blamedOption, $"{where}{SettingNames.Quote(entry)} {problem}");
                return false;
            }

            if (!into.Contains(pattern))
            {
                into.Add(pattern);
            }
        }

        return true;
    }
}
