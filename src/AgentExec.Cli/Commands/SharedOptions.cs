using System.CommandLine;
using AgentExec.Core.Configuration;
using AgentExec.Core.Settings;

namespace AgentExec.Cli.Commands;

/// <summary>
/// The options shared by serve/run/check/assess (SPEC.md "Command line"). Values are handed to Core's
/// <see cref="SettingsResolver"/> as raw strings, so validation and precedence live in one place.
/// </summary>
internal sealed class SharedOptions
{
    private readonly List<(string Key, Option Option)> _options = [];

    public SharedOptions()
    {
        Add(SettingKeys.Workspace, "DIR", "The project root, writable under workspace-write (default: the current directory; / and $HOME only when given explicitly).");
        Add(SettingKeys.Sandbox, "MODE", "read-only | workspace-write | danger-full-access (default: workspace-write).");
        Add(SettingKeys.ApprovalPolicy, "POLICY", "untrusted | on-failure | on-request | never (default: on-failure).");
        Add(SettingKeys.SandboxBackend, "BACKEND", "auto | bubblewrap | landlock (default: auto).");
        AddSwitch(SettingKeys.Network, "Allow network inside the sandbox (default: off).");
        Add(SettingKeys.ApprovalTimeoutMs, "MS", "How long to wait for a human's answer before denying (default: 300000).");
        Add(SettingKeys.AssessmentTimeoutMs, "MS", "Hard budget for the whole risk-assessment call (default: 5000).");
        AddSwitch(SettingKeys.ExperimentalSandboxCommandAssessment, "Turn on the LLM risk assessment (default: off).");
        Add(SettingKeys.Config, "FILE", "The user config (JSON) (default: $AGENTEXEC_CONFIG, else $XDG_CONFIG_HOME/agentexec/config.json).");
        AddList(SettingKeys.AllowDomain, "HOST", "Add HOST to the network allow-list (repeatable): example.com, *.example.com (subdomains only), host:port, an IPv4 literal or [IPv6]:port. Sandboxed commands then reach the network only through AgentExec's egress proxy; other hosts are asked. Not with --network.");
        Add(SettingKeys.AuditLog, "FILE", "The append-only audit log (default: $XDG_STATE_HOME/agentexec/audit.jsonl).");
    }

    /// <summary>Adds every shared option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var (_, option) in _options)
        {
            command.Add(option);
        }
    }

    /// <summary>The flags the user actually gave, by config key, as raw strings.</summary>
    public IReadOnlyDictionary<string, string> GivenFlags(ParseResult parseResult)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, option) in _options)
        {
            var result = parseResult.GetResult(option);
            if (result is null || result.Implicit)
            {
                continue;
            }

            flags[key] = option switch
            {
                Option<bool> flag => parseResult.GetValue(flag) ? "true" : "false",
                Option<string> text => parseResult.GetValue(text) ?? string.Empty,

                // Each occurrence is one entry; commas join them into the same list form AGENTEXEC_ALLOW_DOMAIN has
                // (no host entry can hold a comma), so the resolver reads one grammar.
                Option<string[]> list => string.Join(',', parseResult.GetValue(list) ?? []),
                _ => throw new InvalidOperationException("unexpected option type"),
            };
        }

        return flags;
    }

    private void Add(string key, string valueName, string description) =>
        _options.Add((key, new Option<string>(SettingKeys.FlagName(key)) { Description = description, HelpName = valueName }));

    private void AddList(string key, string valueName, string description) =>
        _options.Add((key, new Option<string[]>(SettingKeys.FlagName(key))
        {
            Description = description,
            HelpName = valueName,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        }));

    private void AddSwitch(string key, string description) =>
        _options.Add((key, new Option<bool>(SettingKeys.FlagName(key)) { Description = description }));
}
