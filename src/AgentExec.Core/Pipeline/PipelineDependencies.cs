using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Execution.Limits;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentExec.Core.Pipeline;

/// <summary>Everything the pipeline is built from; one value, so both front ends assemble it the same way.</summary>
/// <param name="Settings">The resolved settings.</param>
/// <param name="Rules">The rules in force.</param>
/// <param name="Sandbox">The backend chosen at start-up, or why there is none.</param>
/// <param name="Assessor">The risk assessor (disabled by default).</param>
/// <param name="AuditLog">The audit log.</param>
/// <param name="HostEnvironment">The server's own environment, from which the child's allow-listed one is taken.</param>
public sealed record PipelineDependencies(
    AgentExecSettings Settings,
    IRuleSource Rules,
    SandboxSelection Sandbox,
    IRiskAssessor Assessor,
    IAuditLog AuditLog,
    IReadOnlyDictionary<string, string> HostEnvironment)
{
    /// <summary>Runs the processes.</summary>
    public CommandRunner Runner { get; init; } = new();

    /// <summary>The session cache; lives as long as the process.</summary>
    public SessionApprovals SessionApprovals { get; init; } = new();

    /// <summary>Bounds the questions waiting at once.</summary>
    public PendingQuestionLimit PendingQuestions { get; init; } = new();

    /// <summary>Where diagnostics go (stderr in the front ends).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Cap for each of stdout and stderr.</summary>
    public int OutputCapBytes { get; init; } = ExecutionSpec.DefaultOutputCapBytes;

    /// <summary>How <c>limits</c> are enforced (cgroup or rlimit), decided at start-up.</summary>
    public LimitEnforcement Limits { get; init; } = LimitEnforcement.Rlimit(Settings.Limits);

    /// <summary>The clock the pipeline measures with (how long a human took to answer).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The egress proxy of sandboxed runs when the settings carry a network allow-list; null when they do not (the
    /// sandbox's network is then simply off or on).
    /// </summary>
    public PipelineEgress? Egress { get; init; }
}
