using AgentExec.Core.Assessment;
using AgentExec.Core.Commands;
using AgentExec.Core.Configuration;
using AgentExec.Core.Crypto;
using AgentExec.Core.Execution;
using AgentExec.Core.Network;
using AgentExec.Core.Sandbox;

namespace AgentExec.Core.Approval;

/// <summary>
/// One question to a human: everything they need to decide, and everything an answer is bound to.
/// Text fields from the agent, the command's output or a model are raw here; renderers escape them.
/// </summary>
/// <param name="ApprovalId">Unique per question; an answer is accepted only for its own id, once.</param>
/// <param name="CallId">The front end's id of the call that asked (the MCP request id, or a local id).</param>
/// <param name="CommandLine">The exact command line (from the agent).</param>
/// <param name="Argv">What will be executed: <c>[TrustedShell.Path, "-c", CommandLine]</c> (<c>ShellArgv</c>).</param>
/// <param name="WorkingDirectory">The real path the command runs in.</param>
/// <param name="Justification">Why the agent says it needs this (from the agent), if given.</param>
/// <param name="Sandbox">The configured sandbox mode.</param>
/// <param name="SandboxBackend">The backend that enforces it (<c>none</c> under <c>danger-full-access</c>).</param>
/// <param name="Escalation">What is asked beyond a sandboxed run.</param>
/// <param name="SandboxFailure">For a retry: the start of the sandboxed attempt's output (from the command).</param>
/// <param name="Risk">The advisory risk assessment, when there is one.</param>
/// <param name="Reasons">Why the policy asks, one line each (rule justifications included).</param>
/// <param name="Parts">The parsed simple commands, nested ones included: what the question's summary names.</param>
/// <param name="UnknownReason">Why the parser could not fully account for the line, or null when it could.</param>
/// <param name="CommandTimeout">The execution timeout the command will get; part of what an answer is bound to.</param>
public sealed record ApprovalQuestion(
    string ApprovalId,
    string CallId,
    string CommandLine,
    IReadOnlyList<string> Argv,
    string WorkingDirectory,
    string? Justification,
    SandboxMode Sandbox,
    SandboxBackendKind SandboxBackend,
    EscalationKind Escalation,
    string? SandboxFailure,
    RiskAssessment? Risk,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<CommandPart> Parts,
    string? UnknownReason,
    TimeSpan CommandTimeout)
{
    /// <summary>A fresh <see cref="ApprovalId"/>: 128 random bits in lowercase hex, which an agent cannot guess.</summary>
    public static string NewId() => RandomToken.NewHex();

    /// <summary>True for the second, separate question after the sandbox denied a run.</summary>
    public bool IsRetryWithoutSandbox => Escalation == EscalationKind.RetryWithoutSandbox;

    /// <summary>
    /// The one rule of a network question: when set, the question asks whether the command — already running, in its
    /// sandbox — may connect to this destination (SPEC.md "Network allow-list"), not whether it may run; its answer is
    /// remembered under <c>host:port</c> (<see cref="NetworkApprovals"/>), never under the command. Null for a question
    /// about running the command.
    /// </summary>
    public NetworkTarget? Network { get; init; }
}
