using AgentExec.Core.Network;

namespace AgentExec.Core.Configuration;

/// <summary>
/// The resolved settings shared by serve/run/check/assess (SPEC.md "Command line"): flag &gt; environment &gt;
/// user config &gt; default, already validated.
/// </summary>
public sealed record AgentExecSettings
{
    /// <summary>The project root (absolute, symlinks resolved).</summary>
    public required string Workspace { get; init; }

    /// <summary>The sandbox mode.</summary>
    public SandboxMode Sandbox { get; init; } = SandboxMode.WorkspaceWrite;

    /// <summary>When a command needs a human.</summary>
    public ApprovalPolicy ApprovalPolicy { get; init; } = ApprovalPolicy.OnFailure;

    /// <summary>Which sandbox backend to use.</summary>
    public SandboxBackendPreference SandboxBackend { get; init; } = SandboxBackendPreference.Auto;

    /// <summary>Whether the sandbox allows all of the network (<c>--network</c>, <c>"network": true</c>).</summary>
    public bool Network { get; init; }

    /// <summary>
    /// The network allow-list in force (SPEC.md "Network allow-list"), or null when there is none. When set,
    /// <see cref="Network"/> is false: the sandbox keeps its private network namespace and reaches out only through the
    /// egress proxy, which these lists (and the human) decide for.
    /// </summary>
    public NetworkLists? NetworkLists { get; init; }

    /// <summary>How long to wait for a human's answer before denying.</summary>
    public TimeSpan ApprovalTimeout { get; init; } = TimeSpan.FromMilliseconds(300_000);

    /// <summary>Hard budget for the whole risk-assessment call.</summary>
    public TimeSpan AssessmentTimeout { get; init; } = TimeSpan.FromMilliseconds(5_000);

    /// <summary>Whether the LLM risk assessment is on.</summary>
    public bool ExperimentalSandboxCommandAssessment { get; init; }

    /// <summary>The user config's replacement for the built-in assessment prompt template (absolute, resolved), if any.</summary>
    public string? AssessmentPromptPath { get; init; }

    /// <summary>The user config file in use, when there is one.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>True when <see cref="ConfigPath"/> resolves inside the workspace, so it may only tighten.</summary>
    public bool ConfigIsInsideWorkspace { get; init; }

    /// <summary>The append-only audit log.</summary>
    public required string AuditLogPath { get; init; }

    /// <summary>Extra directories writable under <c>workspace-write</c> (absolute, resolved).</summary>
    public IReadOnlyList<string> WritableRoots { get; init; } = [];

    /// <summary>The user config's additions to the credential list (<c>credential_paths</c>), as written.</summary>
    public IReadOnlyList<string> CredentialPaths { get; init; } = [];

    /// <summary>Extra environment passed to commands.</summary>
    public EnvironmentSettings Env { get; init; } = EnvironmentSettings.Default;

    /// <summary>Resource limits for commands.</summary>
    public ResourceLimits Limits { get; init; } = ResourceLimits.None;

    /// <summary>What the OpenTelemetry spans may carry beyond decisions.</summary>
    public TelemetrySettings Telemetry { get; init; } = TelemetrySettings.Default;

    /// <summary>Warnings found while resolving (ignored keys of a workspace config…), for the start-up log.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
