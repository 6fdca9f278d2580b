using AgentExec.Core.Approval;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;

namespace AgentExec.Core.Pipeline;

/// <summary>The outcome of one call through the pipeline, which each front end renders in its own way.</summary>
/// <param name="Status">How the call ended.</param>
/// <param name="ExitCode">The command's exit code when it ran to its end.</param>
/// <param name="Stdout">What was kept of stdout.</param>
/// <param name="Stderr">What was kept of stderr.</param>
/// <param name="Duration">Execution time of the last attempt (zero when nothing ran).</param>
/// <param name="Sandbox">The sandbox the last attempt ran under, or null when it ran (or would have run) unsandboxed.</param>
/// <param name="Backend">The backend of that sandbox.</param>
/// <param name="Approval">Who approved or denied, or null when no rule, cache or human was involved.</param>
/// <param name="Message">A human-readable explanation when the call did not complete.</param>
/// <param name="Evaluation">The policy's evaluation, when the command got that far.</param>
/// <param name="SandboxDenied">True when the (last sandboxed) attempt looked denied by the sandbox.</param>
/// <param name="AuditHead">The audit log's head after the call's last event.</param>
public sealed record ShellResult(
    ShellStatus Status,
    int? ExitCode,
    CapturedOutput Stdout,
    CapturedOutput Stderr,
    TimeSpan Duration,
    SandboxMode? Sandbox,
    SandboxBackendKind Backend,
    ApprovalOutcome? Approval,
    string? Message,
    PolicyEvaluation? Evaluation,
    bool SandboxDenied,
    AuditHead? AuditHead)
{
    /// <summary>
    /// Repository configuration or hooks that appeared or changed during a writable sandboxed run and name a program to
    /// run (also in <see cref="Message"/>), or null when there was nothing to report.
    /// </summary>
    public RepositoryReport? Repositories { get; init; }

    /// <summary>
    /// The request field the call failed on (a working directory that does not exist), for the front end to name in its
    /// own words; <see cref="Message"/> says the same in channel-neutral ones. Null otherwise.
    /// </summary>
    public RequestFieldError? InvalidField { get; init; }

    /// <summary>
    /// The destinations the call's sandboxed attempt's egress proxy decided, each distinct <c>{host, port, decision}</c> once
    /// (at most <see cref="CallEgressGate.MaxListedDecisions"/>); null when no attempt had a proxy (no allow-list, or
    /// run outside the sandbox).
    /// </summary>
    public IReadOnlyList<NetworkDecision>? Network { get; init; }

    /// <summary>True when the egress proxy refused a destination of the sandboxed attempt (then no retry without the sandbox is offered).</summary>
    public bool NetworkRefused { get; init; }

    /// <summary>True when either stream dropped bytes.</summary>
    public bool Truncated => Stdout.Truncated || Stderr.Truncated;

    /// <summary>True when the call ended by its timeout.</summary>
    public bool TimedOut => Status == ShellStatus.TimedOut;

    /// <summary>A result for a call that never started a process.</summary>
    public static ShellResult NotRun(ShellStatus status, string message, ApprovalOutcome? approval = null, PolicyEvaluation? evaluation = null) =>
        new(status, null, CapturedOutput.Empty, CapturedOutput.Empty, TimeSpan.Zero, null, SandboxBackendKind.None, approval, message, evaluation, false, null);
}
