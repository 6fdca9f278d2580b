using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Assessment;

/// <summary>What the assessor is told about a command: nothing of the agent's conversation, only the request.</summary>
/// <remarks>
/// Compared field by field (lists by their items) when a session reuses an earlier assessment: see
/// <see cref="AssessmentRequestComparer"/>.
/// </remarks>
/// <param name="CommandLine">The command line (from the agent).</param>
/// <param name="Argv">What will be executed.</param>
/// <param name="WorkingDirectory">Where.</param>
/// <param name="Sandbox">The sandbox mode it would run under.</param>
/// <param name="FilesystemRoots">The writable roots under that mode.</param>
/// <param name="Justification">The agent's justification, if any.</param>
/// <param name="SandboxFailure">For a retry: what the sandboxed attempt printed.</param>
/// <param name="Escalation">
/// What the question asks beyond a sandboxed run: with anything but <see cref="EscalationKind.None"/> the command
/// would run without the sandbox, and the model must not credit the sandbox for containing it.
/// </param>
/// <param name="Network">Whether the sandbox allows network access.</param>
public sealed record AssessmentRequest(
    string CommandLine,
    IReadOnlyList<string> Argv,
    string WorkingDirectory,
    SandboxMode Sandbox,
    IReadOnlyList<string> FilesystemRoots,
    string? Justification,
    string? SandboxFailure,
    EscalationKind Escalation = EscalationKind.None,
    bool Network = false);
