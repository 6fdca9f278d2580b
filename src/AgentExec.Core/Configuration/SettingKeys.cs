namespace AgentExec.Core.Configuration;

/// <summary>
/// The names of the settings (SPEC.md "Command line"): each shared key is a user-config key, a flag
/// (<c>--</c> + the key with <c>_</c> → <c>-</c>) and an environment variable (<c>AGENTEXEC_</c> + the key, upper-case).
/// </summary>
public static class SettingKeys
{
    /// <summary>The project root.</summary>
    public const string Workspace = "workspace";

    /// <summary>The sandbox mode.</summary>
    public const string Sandbox = "sandbox";

    /// <summary>When a command needs a human.</summary>
    public const string ApprovalPolicy = "approval_policy";

    /// <summary>Which sandbox backend to use.</summary>
    public const string SandboxBackend = "sandbox_backend";

    /// <summary>
    /// Whether the sandbox allows network: a boolean flag (all of it), or in the user config also the allow-list object
    /// <c>{"allowed_domains": [...], "denied_domains": [...], "upstream_proxy": "http://host:port"}</c>.
    /// </summary>
    public const string Network = "network";

    /// <summary>
    /// Hosts added to the network allow-list: <c>--allow-domain D</c> (repeatable) or <c>AGENTEXEC_ALLOW_DOMAIN</c> (a
    /// comma-separated list). Not a config key: the user config's list is <c>network.allowed_domains</c>.
    /// </summary>
    public const string AllowDomain = "allow_domain";

    /// <summary>How long to wait for a human's answer, in milliseconds.</summary>
    public const string ApprovalTimeoutMs = "approval_timeout_ms";

    /// <summary>The budget of the whole risk-assessment call, in milliseconds.</summary>
    public const string AssessmentTimeoutMs = "assessment_timeout_ms";

    /// <summary>Whether the LLM risk assessment is on (a boolean flag).</summary>
    public const string ExperimentalSandboxCommandAssessment = "experimental_sandbox_command_assessment";

    /// <summary>The user config file.</summary>
    public const string Config = "config";

    /// <summary>The append-only audit log.</summary>
    public const string AuditLog = "audit_log";

    /// <summary>User-config only: the policy rules.</summary>
    public const string Rules = "rules";

    /// <summary>User-config only: extra directories writable under <c>workspace-write</c>.</summary>
    public const string WritableRoots = "writable_roots";

    /// <summary>User-config only: entries added to the credential list (paths, <c>~/</c> paths, name patterns).</summary>
    public const string CredentialPaths = "credential_paths";

    /// <summary>User-config only: <c>{"keep": [...], "set": {...}}</c>, the commands' extra environment.</summary>
    public const string Env = "env";

    /// <summary>User-config only: <c>{"processes": N, "memory_bytes": N, "cpu_seconds": N}</c>.</summary>
    public const string Limits = "limits";

    /// <summary>User-config only: <c>{"include_command": true}</c> puts command lines on the OpenTelemetry spans.</summary>
    public const string Telemetry = "telemetry";
    /// <summary>User-config only: a file that replaces the built-in risk-assessment prompt template.</summary>
    public const string AssessmentPrompt = "assessment_prompt";

    /// <summary>The keys that are flags and environment variables as well as config keys, in the order the SPEC lists them.</summary>
    public static IReadOnlyList<string> Shared { get; } =
    [
        Workspace, Sandbox, ApprovalPolicy, SandboxBackend, Network, ApprovalTimeoutMs, AssessmentTimeoutMs,
        ExperimentalSandboxCommandAssessment, Config, AllowDomain, AuditLog,
    ];

    /// <summary>The keys that exist only in the user config.</summary>
    public static IReadOnlyList<string> ConfigOnly { get; } = [Rules, WritableRoots, CredentialPaths, Env, Limits, Telemetry, AssessmentPrompt];

    /// <summary>The command-line flag of a key: <c>approval_policy</c> → <c>--approval-policy</c>.</summary>
    /// <param name="key">A setting key.</param>
    /// <returns>The flag, with its leading dashes.</returns>
    public static string FlagName(string key) => "--" + key.Replace('_', '-');

    /// <summary>The environment variable of a key: <c>approval_policy</c> → <c>AGENTEXEC_APPROVAL_POLICY</c>.</summary>
    /// <param name="key">A setting key.</param>
    /// <returns>The variable's name.</returns>
    public static string EnvironmentVariable(string key) => "AGENTEXEC_" + key.ToUpperInvariant();
}
